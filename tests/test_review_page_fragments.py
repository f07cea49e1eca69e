"""A team's review page from the fragment cache (teams/review/pages.py): the team's parts are shared, the viewer's
(the note form for those who review, its token, the export buttons) are their own; every kind of change the page
shows appears on the next request; a form with errors is never cached; the same statements at any size."""
import datetime
import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.utils import timezone

from teams import fragments
from teams.accounts.services import update_name
from teams.board.cards import create_card, move_card
from teams.board.models import Card, Column
from teams.contributions.services import state_contribution
from teams.models import Membership
from teams.review import closing as review_closing
from teams.review import meetings as review_meetings
from teams.review import outputs as review_outputs
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db


def url(team):
    return f"/teams/{team.slug}/review/"


def signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def page(browser, team):
    response = browser.get(url(team))
    assert response.status_code == 200
    return response.content.decode()


def note_form(html):
    return 'class="note-form"' in html


@pytest.mark.parametrize("order", [["advisor", "lead"], ["lead", "advisor"]])
def test_only_reviewers_get_the_note_form_whoever_filled_the_cache_first(people, team, order):
    for role in order:
        browser = signed_in(people[role])
        html = page(browser, team)
        assert note_form(html) == (role == "advisor"), role
        assert fragments.CSRF_SLOT not in html
        # Every form's token is this browser's (the cached form holds a slot, filled per request).
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        assert {_unmask_cipher_token(token) for token in tokens} == {browser.cookies["csrftoken"].value}


def test_the_team_menu_is_each_viewers_own(people, team):
    # The board and channels links are for those who view the team; an outsider gets a 404 and no cached part.
    for role in ("observer", "manager"):
        assert f'href="/teams/{team.slug}/board/"' in page(signed_in(people[role]), team)
    assert signed_in(people["outsider"]).get(url(team)).status_code == 404


def test_notes_and_a_renamed_author_show_at_once_on_the_page_and_in_its_notes_list(people, team):
    browser = signed_in(people["lead"])
    assert "No review notes yet." in page(browser, team)
    review_meetings.add_review_note(people["advisor"], team, body="Keep **going**")
    assert "<strong>going</strong>" in page(browser, team)
    advisor = people["advisor"]
    update_name(advisor, advisor, first_name="Renamed", last_name="Advisor")
    assert "Renamed Advisor" in page(browser, team)
    assert "Renamed Advisor" in browser.get(f"{url(team)}notes/").content.decode()


def stat(html, words):
    return re.search(rf"<strong>([^<]+)</strong>\s*(?:/ \d+ )?{words}", html).group(1)


def test_cards_outputs_and_contributions_show_at_once(people, team):
    browser = signed_in(people["observer"])
    html = page(browser, team)
    assert (stat(html, "tasks done"), stat(html, "outputs delivered")) == ("0", "0")
    todo = Column.objects.filter(team=team, is_done=False).order_by("rank").first()
    done = Column.objects.filter(team=team, is_done=True).first()
    create_card(people["lead"], team, column=todo, title="Late", due_date=timezone.localdate() - datetime.timedelta(1))
    html = page(browser, team)
    assert "/ 1 tasks done" in html and stat(html, "overdue") == "1"
    card = Card.objects.get(team=team, title="Late")
    move_card(people["lead"], card, column=done, after=None, version=card.version)
    html = page(browser, team)
    assert stat(html, "tasks done") == "1" and stat(html, "overdue") == "0"
    output = review_outputs.add_output(people["lead"], team, title="Position paper", kind="concept")
    assert "Position paper" in page(browser, team)
    review_outputs.set_output_status(people["lead"], output, status="done")
    assert stat(page(browser, team), "outputs delivered") == "1"
    expert = Membership.objects.get(team=team, user=people["expert"])
    state_contribution(people["expert"], expert, hours_per_month=12)
    assert stat(page(browser, team), "hours a month from members") == "12"


def test_meetings_minutes_and_the_closing_report_show_at_once(people, team):
    reviewer, member = signed_in(people["advisor"]), signed_in(people["lead"])
    assert "No review meeting yet." in page(member, team) and "From review meeting" not in page(reviewer, team)
    meeting = review_meetings.schedule_review(people["advisor"], title="Spring review", teams=[team],
                                              scheduled_for=timezone.now() + datetime.timedelta(days=3))
    assert "Spring review" in page(member, team)
    assert "From review meeting" in page(reviewer, team)  # the cached form offers the new meeting
    review_meetings.record_minutes(people["advisor"], meeting, minutes="On track.")
    assert "minutes recorded" in page(member, team)
    review_closing.conclude_with_report(people["manager"], team, summary="We agreed on **three** profiles.")
    html = page(member, team)
    assert 'id="closing-report"' in html and "<strong>three</strong>" in html


def test_a_day_passing_shows_on_the_cached_page(people, make_team, settings):
    settings.TIME_ZONE = "Pacific/Pago_Pago"  # and then a zone 25 hours ahead: a day passing on the real clock
    team = make_team()
    browser = signed_in(people["lead"])
    assert stat(page(browser, team), "days left") == "100"
    settings.TIME_ZONE = "Pacific/Kiritimati"
    assert stat(page(browser, team), "days left") == "99"


def test_each_language_gets_its_own_parts(people, team):
    browser = signed_in(people["advisor"])
    assert "No review notes yet." in page(browser, team)
    german = browser.get(url(team), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "No review notes yet." not in german and "No outputs recorded yet." not in german


def test_a_note_form_with_errors_is_never_cached(people, team):
    browser = signed_in(people["advisor"])
    response = browser.post(f"{url(team)}notes/add/", {"body": ""})
    assert response.status_code == 400 and 'class="error"' in response.content.decode()
    html = page(browser, team)
    assert note_form(html) and 'class="error"' not in html


def test_the_page_reads_constant_statements_however_many_notes_and_outputs(people, team):
    browser = signed_in(people["advisor"])

    def count():
        response, sql = statements(lambda: browser.get(url(team)))
        assert response.status_code == 200
        return len(sql)

    def grow(n):
        for i in range(n):
            review_meetings.add_review_note(people["advisor"], team, body=f"Note {i}")
            review_outputs.add_output(people["lead"], team, title=f"Output {i}", kind="concept")

    grow(1)
    small, warm_small = count(), count()
    grow(30)
    large, warm_large = count(), count()
    assert_constant(small, large, 16, "the review page, built")
    assert_constant(warm_small, warm_large, 6, "the review page, cached")
    assert warm_large < large
    print(f"review page: {large} statements built, {warm_large} cached")
