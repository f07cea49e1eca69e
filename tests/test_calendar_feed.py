"""Calendar feeds: a secret link per person, parsed here by the `icalendar` package: each kind of entry with the
right date, in the person's language, only what they may see, revocable, rate limited, constant queries."""
import datetime
import re

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from teams import membership as membership_services
from teams.audit.models import AuditEntry
from teams.board.cards import create_card, move_card
from teams.board.models import Card, Column
from teams.calendar import services
from teams.calendar.models import FeedToken
from teams.models import Membership
from teams.notify.models import MailPreference
from teams.review.meetings import schedule_review
from teams.review.outputs import add_output
from teams.services import conclude_team, launch_new_team
from tests.conftest import make_user, team_data
from tests.matrix import ROLES
from tests.queries import assert_constant, statements
from tests.review_helpers import cards as bulk_cards
from tests.review_helpers import days

pytestmark = pytest.mark.django_db


def column(team):
    return Column.objects.filter(team=team, archived=False).order_by("rank").first()


def fill(people, team):
    """A card due for the expert, a review meeting, an output event; the team's end date is the fixture's."""
    create_card(people["lead"], team, column=column(team), title="Draft the data-sharing agreement",
                assignees=[people["expert"]], due_date=days(5))
    create_card(people["lead"], team, column=column(team), title="Someone else's task",
                assignees=[people["lead"]], due_date=days(6))
    at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=9)
    meeting = schedule_review(people["advisor"], title="Autumn review", scheduled_for=at, teams=[team])
    add_output(people["expert"], team, title="Hospital data day", kind="event", date=days(20))
    add_output(people["expert"], team, title="Position on FHIR", kind="position", date=days(21))
    return meeting


def feed_of(client, user):
    token = services.new_feed_link(user)
    return token, client.get(f"/calendar/{token}.ics")


def entries(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_has_each_kind_with_its_date(client, people, team):
    meeting = fill(people, team)
    _token, response = feed_of(client, people["expert"])
    found = entries(response)
    assert set(found) == {"Due: Draft the data-sharing agreement (Data Spaces)", "Data Spaces ends",
                          "Review meeting: Autumn review", "Event: Hospital data day (Data Spaces)"}
    card = found["Due: Draft the data-sharing agreement (Data Spaces)"]
    assert card.decoded("DTSTART") == days(5) and card.decoded("DTEND") == days(6)  # all day
    assert found["Data Spaces ends"].decoded("DTSTART") == team.end_date
    assert found["Review meeting: Autumn review"].decoded("DTSTART") == meeting.scheduled_for
    assert found["Event: Hospital data day (Data Spaces)"].decoded("DTSTART") == days(20)
    for event in found.values():
        assert re.fullmatch(r"(card|team-end|review-meeting|output)-\d+@127\.0\.0\.1", str(event["UID"]))
        assert event.decoded("DTSTAMP").tzinfo is not None and str(event["URL"]).startswith("http://127.0.0.1:8000/")
    due = Card.objects.get(title="Draft the data-sharing agreement")
    assert str(card["UID"]) == f"card-{due.pk}@127.0.0.1"
    assert str(card["URL"]) == "http://127.0.0.1:8000" + reverse("board:card", args=[team.slug, due.pk])
    assert str(found["Data Spaces ends"]["URL"]) == f"http://127.0.0.1:8000/teams/{team.slug}/"


def test_uids_are_stable_between_reads(client, people, team):
    fill(people, team)
    token, first = feed_of(client, people["expert"])
    again = client.get(f"/calendar/{token}.ics")
    assert {str(e["UID"]) for e in entries(first).values()} == {str(e["UID"]) for e in entries(again).values()}


def test_summaries_are_in_the_persons_language(client, people, team):
    fill(people, team)
    MailPreference.objects.create(user=people["expert"], language="de")
    _token, response = feed_of(client, people["expert"])
    assert set(entries(response)) == {"Fällig: Draft the data-sharing agreement (Data Spaces)", "Data Spaces endet",
                                      "Review-Sitzung: Autumn review", "Veranstaltung: Hospital data day (Data Spaces)"}


def test_no_other_teams_entries_ever_appear(client, people, team):
    fill(people, team)
    stranger = make_user("stranger")
    other = launch_new_team(people["manager"], lead=stranger, supporters=[], **team_data(name="Other Team"))
    create_card(stranger, other, column=column(other), title="Secret task", assignees=[stranger], due_date=days(3))
    add_output(stranger, other, title="Secret meetup", kind="event", date=days(4))
    for role in ROLES:
        body = feed_of(client, people[role])[1].content.decode()
        assert "Secret" not in body and "Other Team" not in body, role
    outsider = entries(feed_of(client, people["outsider"])[1])
    assert outsider == {}


def test_only_open_cards_are_due_dates(client, people, team):
    """A card moved to a done column, and every card of a concluded team, leave the feed (as they leave My tasks)."""
    fill(people, team)
    token, response = feed_of(client, people["expert"])
    due = "Due: Draft the data-sharing agreement (Data Spaces)"
    assert due in entries(response)
    card = Card.objects.get(title="Draft the data-sharing agreement")
    move_card(people["lead"], card, column=Column.objects.get(team=team, is_done=True), version=card.version)
    assert due not in entries(client.get(f"/calendar/{token}.ics"))
    card.refresh_from_db()
    move_card(people["lead"], card, column=column(team), version=card.version)
    assert due in entries(client.get(f"/calendar/{token}.ics"))
    conclude_team(people["manager"], team)
    assert due not in entries(client.get(f"/calendar/{token}.ics"))


def test_a_removed_member_loses_the_team(client, people, team):
    fill(people, team)
    token, response = feed_of(client, people["expert"])
    assert "Data Spaces ends" in entries(response)
    membership = Membership.objects.get(team=team, user=people["expert"])
    membership_services.remove_member(people["lead"], membership)
    assert entries(client.get(f"/calendar/{token}.ics")) == {}


def test_a_new_link_revokes_the_old_and_revoking_ends_it(client, people, team):
    old, response = feed_of(client, people["expert"])
    assert response.status_code == 200
    new = services.new_feed_link(people["expert"])
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert FeedToken.objects.get().token_hash != new  # only its hash is stored
    services.revoke_feed_link(people["expert"])
    assert client.get(f"/calendar/{new}.ics").status_code == 404
    assert client.get("/calendar/no-such-token.ics").status_code == 404
    audited = AuditEntry.objects.filter(subject=people["expert"], kind__startswith="calendar.").order_by("at", "pk")
    assert list(audited.values_list("kind", flat=True)) == ["calendar.link_created", "calendar.link_created",
                                                            "calendar.link_revoked"]


def test_a_deactivated_persons_feed_is_gone(client, people, team):
    token, _response = feed_of(client, people["expert"])
    people["expert"].is_active = False
    people["expert"].save()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_account_page_makes_and_shows_the_link_once(client, people):
    client.force_login(people["expert"])
    assert "Make a calendar link" in client.get("/account/").content.decode()
    response = client.post("/account/calendar/new/")
    link = re.search(r'value="(http://127\.0\.0\.1:8000/calendar/[^"]+\.ics)"', response.content.decode()).group(1)
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 200
    page = client.get("/account/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert link not in page and "Neuer Link" in page
    client.post("/account/calendar/revoke/")
    assert not FeedToken.objects.exists()
    assert client.post("/account/calendar/new/", HTTP_ACCEPT_LANGUAGE="de").status_code == 200
    client.logout()
    assert client.post("/account/calendar/new/").status_code == 302  # to the login page
    assert FeedToken.objects.count() == 1


def test_the_feed_is_rate_limited(client, people, settings):
    settings.CALENDAR_FEED_RATE = (3, 3600)
    token = services.new_feed_link(people["expert"])
    statuses = [client.get(f"/calendar/{token}.ics").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_feed_runs_constant_queries(client, people, team):
    token = services.new_feed_link(people["expert"])
    todo = column(team)

    def grow(count):
        bulk_cards(team, todo, count, due=days(4), assignees=[people["expert"]])
        for n in range(count // 10 + 1):
            add_output(people["expert"], team, title=f"Meetup {n}", kind="event", date=days(10 + n))
        response, sql = statements(lambda: client.get(f"/calendar/{token}.ics"))
        assert response.status_code == 200
        return len(sql), response

    small, _ = grow(3)
    large, response = grow(300)
    assert len(entries(response)) > 300
    assert_constant(small, large, budget=12, what="calendar feed")


@pytest.mark.parametrize("path", ["/calendar/" + "x" * 5000 + ".ics", "/calendar/%ED%A0%80.ics", "/calendar/%00.ics",
                                  "/calendar/%E2%80%AE.ics", "/calendar/.ics"])
def test_hostile_tokens_are_not_found(client, people, path):
    services.new_feed_link(people["expert"])
    assert client.get(path).status_code == 404
    assert client.post(path).status_code in (404, 405)
