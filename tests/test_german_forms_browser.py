"""German in Chromium: dates survive the forms (11.1) and the chosen language survives a login (11.22)."""
import datetime

import pytest

from teams.board.cards import create_card
from teams.board.models import Card, Column
from teams.models import Team
from tests.ws_client import poll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def closes_connections(transactional_db):
    """Under Playwright the test holds its own connection object: close it, so the test DB can be dropped."""
    yield
    from django.db import connections

    connections.close_all()


def test_changing_only_the_priority_of_a_card_in_german_keeps_its_due_date(closes_connections, login_page,
                                                                           daphne_server, people, team):
    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    card = Card.objects.get(pk=create_card(people["lead"], team, column=column, title="Fristsache",
                                                 due_date=datetime.date(2026, 12, 18)).data["card"])
    page = login_page(people["lead"], language="de")
    page.goto(f"{daphne_server.url}/teams/{team.slug}/board/")
    page.wait_for_selector("html[lang=de].is-live")
    page.click(f"#card-{card.pk} .tile-title")
    page.wait_for_selector("#card-dialog[open] [data-inline-field=priority]")
    assert page.input_value("#card-dialog input[name=due_date]") == "2026-12-18"
    page.select_option("#card-dialog select[name=priority]", "high")  # saves this one field (card.update)
    page.wait_for_selector("#card-dialog [data-inline-field=priority] [data-inline-status] >> text=Gespeichert")
    assert poll(lambda: Card.objects.get(pk=card.pk).priority == "high")
    assert Card.objects.get(pk=card.pk).due_date == datetime.date(2026, 12, 18)


def test_the_launch_and_extend_forms_show_their_dates_in_german(closes_connections, login_page, daphne_server,
                                                                people, team):
    proposed = Team.objects.create(name="Vorschlag", slug="vorschlag", purpose="x", status=Team.Status.PROPOSED,
                                   start_date=datetime.date(2027, 1, 4), end_date=datetime.date(2027, 12, 31))
    page = login_page(people["manager"], language="de")
    page.goto(f"{daphne_server.url}/teams/{proposed.slug}/launch/")
    page.wait_for_selector("html[lang=de]")
    assert page.input_value("input[name=start_date]") == "2027-01-04"
    assert page.input_value("input[name=end_date]") == "2027-12-31"
    page.goto(f"{daphne_server.url}/teams/{team.slug}/extend/")
    assert page.input_value("input[name=end_date]") == team.end_date.isoformat()


def test_the_chosen_language_outlasts_logging_out_on_any_browser(closes_connections, login_page, daphne_server,
                                                                people):
    page = login_page(people["expert"], language="en")
    assert page.get_attribute("html", "lang") == "en"
    page.click("form.lang button[value=de]")
    page.wait_for_selector("html[lang=de]")
    page.click("text=Abmelden")
    page.wait_for_url(f"{daphne_server.url}/login/")
    # The next login, from a browser that asks for English and knows no language cookie.
    again = login_page(people["expert"], language="en")
    assert again.get_attribute("html", "lang") == "de"
    assert again.locator("nav >> text=Meine Thementeams").is_visible()
