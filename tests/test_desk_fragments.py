"""The desk from the fragment cache (teams/review/pages.py): each viewer sees their own teams only, whoever loaded
the desk before them, and every kind of change the desk shows appears on the next request."""
import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from teams import membership as membership_services
from teams import services
from teams.board.cards import create_card
from teams.board.models import Column
from teams.models import FieldOfAction, Membership, Team
from teams.review import outputs as review_outputs
from tests.conftest import make_user, team_data

pytestmark = pytest.mark.django_db


def desk(user, **headers):
    browser = Client()
    browser.force_login(user)
    response = browser.get("/desk/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def names(html):
    return set(re.findall(r'<th scope="row"><a href="/teams/[^/]+/review/">([^<]+)</a>', html))


def row(html, team):
    return html.split(f'<tr data-team="{team.slug}"', 1)[1].split("</tr>", 1)[0]


def cells(html, team):
    """The numbers of a team's health row: days left, tasks done, overdue, outputs, join requests."""
    found = re.findall(r'<td class="num[^"]*">(.*?)</td>', row(html, team), re.S)
    return [re.sub(r"<[^>]+>", " ", cell).split()[0] for cell in found]


def stat(html, name):
    return int(re.search(rf'<strong id="{name}-count">(\d+)</strong>', html).group(1))


@pytest.fixture
def two_fields(people, make_team):
    """A Life Sciences team, an Innovative Care team, and "solo": a member of the care team only."""
    life = make_team(name="Life team")
    care = make_team(name="Care team", fields_of_action=list(FieldOfAction.objects.filter(code="IC")))
    solo = make_user("solo")
    membership_services.enrol_member(people["manager"], care, user=solo, role=Membership.Role.EXPERT)
    return life, care, solo


SEES = {"manager": {"Life team", "Care team"}, "advisor": {"Life team", "Care team"},
        "field_manager": {"Life team"}, "other_field_manager": {"Care team"}, "solo": {"Care team"}}


@pytest.mark.parametrize("order", [list(SEES), list(reversed(SEES))])
def test_each_viewer_sees_their_own_teams_whoever_filled_the_cache_first(people, two_fields, order):
    viewers = {**people, "solo": two_fields[2]}
    for role in order:
        html = desk(viewers[role])
        assert names(html) == SEES[role], role
        assert f"<strong>{len(SEES[role])}</strong> teams" in html


def test_a_field_manager_given_another_field_sees_its_teams_at_once(people, two_fields):
    manager = people["field_manager"]
    assert names(desk(manager)) == {"Life team"}
    manager.profile.fields_of_action.set(FieldOfAction.objects.filter(code="IC"))  # the admin: no save of the profile
    assert names(desk(manager)) == {"Care team"}


def test_a_viewer_who_joins_a_team_sees_it_at_once_and_others_do_not(people, two_fields):
    life, _care, solo = two_fields
    assert names(desk(people["other_field_manager"])) == {"Care team"}
    membership_services.enrol_member(people["manager"], life, user=solo, role=Membership.Role.OBSERVER)
    assert names(desk(solo)) == {"Life team", "Care team"}
    assert names(desk(people["other_field_manager"])) == {"Care team"}


def test_a_renamed_new_concluded_team_and_a_renamed_goal_show_at_once(people, team):
    viewer = people["field_manager"]
    assert names(desk(viewer)) == {"Data Spaces"}
    data = team_data(name="Data Spaces Berlin")
    services.update_team(people["manager"], team, name=data["name"], purpose=data["purpose"], goals=data["goals"],
                         fields_of_action=data["fields_of_action"])
    assert names(desk(viewer)) == {"Data Spaces Berlin"}
    services.launch_new_team(people["manager"], lead=people["lead"], **team_data(name="Second wave"))
    assert names(desk(viewer)) == {"Data Spaces Berlin", "Second wave"}
    services.conclude_team(people["manager"], Team.objects.get(name="Second wave"))
    assert names(desk(viewer)) == {"Data Spaces Berlin"}
    goal = team.goals.order_by("code").first()
    goal.code = "9z"
    goal.save()  # the admin
    assert '<span class="goal">9z</span>' in row(desk(viewer), team)


def test_cards_outputs_and_join_requests_show_at_once(people, team):
    viewer = people["field_manager"]
    html = desk(viewer)
    assert cells(html, team)[1:] == ["0", "0", "0", "0"] and stat(html, "overdue") == 0
    todo = Column.objects.filter(team=team, is_done=False).order_by("rank").first()
    create_card(people["lead"], team, column=todo, title="Late", due_date=timezone.localdate() - datetime.timedelta(1))
    html = desk(viewer)
    assert cells(html, team)[2] == "1" and stat(html, "overdue") == 1
    review_outputs.add_output(people["lead"], team, title="Position paper", kind="concept", status="done")
    assert cells(desk(viewer), team)[3] == "1"
    membership_services.request_to_join(make_user("keen"), team, message="me!")
    html = desk(viewer)
    assert cells(html, team)[4] == "1" and stat(html, "requests") == 1


def test_a_day_passing_shows_on_the_cached_desk(people, make_team, settings):
    # Two time zones 25 hours apart: moving from the first to the second is a day passing on the real clock.
    settings.TIME_ZONE = "Pacific/Pago_Pago"
    team = make_team(end_date=timezone.localdate() + datetime.timedelta(days=31))
    viewer = people["field_manager"]
    html = desk(viewer)
    assert cells(html, team)[0] == "31" and stat(html, "ending") == 0
    settings.TIME_ZONE = "Pacific/Kiritimati"
    html = desk(viewer)
    assert cells(html, team)[0] == "30" and stat(html, "ending") == 1


def shift_last_activity(team, ago):
    """The team's last activity `ago` before now, written directly (no event): what the clock does to the desk as it
    moves on, without a new event to give the page a new key."""
    Team.objects.filter(pk=team.pk).update(last_activity_at=timezone.now() - ago)


def activity(html, team):
    return re.search(r"<time [^>]*>([^<]*)</time>", row(html, team)).group(1).replace("\xa0", " ")


def test_the_clock_moving_on_shows_in_last_activity_and_silent_teams(people, team):
    viewer = people["field_manager"]
    shift_last_activity(team, datetime.timedelta(minutes=5, seconds=5))
    html = desk(viewer)
    assert activity(html, team) == "5 minutes" and stat(html, "silent") == 0
    shift_last_activity(team, datetime.timedelta(minutes=7, seconds=5))
    assert activity(desk(viewer), team) == "7 minutes"
    shift_last_activity(team, datetime.timedelta(days=15))
    html = desk(viewer)
    assert activity(html, team) == "2 weeks, 1 day" and stat(html, "silent") == 1
    assert '<span class="flag warn">silent</span>' in row(html, team)


def test_each_language_gets_its_own_desk(people, team):
    viewer = people["field_manager"]
    assert "Health at a glance" in desk(viewer)
    german = desk(viewer, HTTP_ACCEPT_LANGUAGE="de")
    assert "Health at a glance" not in german and "Letzte Aktivität" in german
    assert "Health at a glance" in desk(viewer, HTTP_ACCEPT_LANGUAGE="en")
