"""The team lists kept whole in the fragment cache (teams/lists.py: "My teams" per viewer, the unfiltered directory):
each test loads a list (filling the cache), changes what it shows as the product does, and loads it again."""
import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from teams import membership as membership_services
from teams import services
from teams.board.cards import create_card, move_card
from teams.board.models import Card, Column
from teams.invitations.models import Invitation
from teams.models import ClusterRole, Membership
from tests.conftest import team_data
from tests.invitation_helpers import invite
from tests.test_page_fragments import page

pytestmark = pytest.mark.django_db


def signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def cards(html):
    return re.findall(r'data-team="([^"]+)"', html)


def test_a_launched_team_shows_at_once_in_the_directory_and_its_leads_list(people, team):
    lead, viewer = signed_in(people["lead"]), signed_in(people["outsider"])
    assert "1 team<" in page(viewer, "/teams/") and cards(page(lead, "/my/")) == [team.slug]
    second = services.launch_new_team(people["manager"], lead=people["lead"], **team_data(name="Care Paths"))
    assert "2 teams<" in page(viewer, "/teams/") and second.slug in cards(page(viewer, "/teams/"))
    assert sorted(cards(page(lead, "/my/"))) == sorted([team.slug, second.slug])
    assert second.slug in cards(page(viewer, "/teams/?page=1"))  # a page number is a list of its own
    assert cards(page(viewer, "/my/")) == []


@pytest.mark.parametrize("expert_first", [True, False])
def test_each_viewer_gets_their_own_teams_roles_and_requests(people, team, expert_first):
    membership_services.request_to_join(people["outsider"], team, message="")
    viewers = ["expert", "outsider"] if expert_first else ["outsider", "expert"]
    pages = {name: page(signed_in(people[name]), "/my/") for name in viewers}
    assert cards(pages["expert"]) == [team.slug] and "you: Expert" in " ".join(pages["expert"].split())
    assert "Waiting for an answer" not in pages["expert"]
    assert cards(pages["outsider"]) == [] and "Waiting for an answer" in pages["outsider"]


def test_a_join_request_answered_moves_the_team_at_once(people, team):
    membership = membership_services.request_to_join(people["outsider"], team, message="")
    outsider = signed_in(people["outsider"])
    assert "Waiting for an answer" in page(outsider, "/my/")
    membership_services.answer_join_request(people["lead"], membership, approve=True)
    html = page(outsider, "/my/")
    assert "Waiting for an answer" not in html and cards(html) == [team.slug]


def test_an_invitation_shows_at_once_only_to_its_invitee_and_goes_when_it_expires(people, team):
    invitee, other = signed_in(people["outsider"]), signed_in(people["advisor"])
    page(invitee, "/my/"), page(other, "/my/")
    invite(people["lead"], team, people=[people["outsider"]])
    assert 'id="my-invitations"' in page(invitee, "/my/") and 'id="my-invitations"' not in page(other, "/my/")
    Invitation.objects.filter(team=team).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert 'id="my-invitations"' not in page(invitee, "/my/")  # its moment passed: no event, the clock


def test_a_new_cluster_role_shows_at_once(people, team):
    browser = signed_in(people["expert"])
    assert "/teams/launch/" not in page(browser, "/my/")
    people["expert"].groups.add(Group.objects.get(name=ClusterRole.CLUSTER_MANAGEMENT))  # the admin: no save
    assert "/teams/launch/" in page(browser, "/my/") and "/teams/launch/" in page(browser, "/teams/")


def test_a_day_passing_and_a_deleted_team_show_at_once_in_the_lists(people, team, settings):
    settings.TIME_ZONE = "Pacific/Pago_Pago"  # 25 hours behind the next zone: its date is a day earlier
    browser = signed_in(people["expert"])
    left = {url: re.search(r"(\d+) days left", page(browser, url)).group(1) for url in ("/teams/", "/my/")}
    settings.TIME_ZONE = "Pacific/Kiritimati"
    for url, days in left.items():
        assert f"{int(days) - 1} days left" in page(browser, url), url
    Membership.objects.filter(team=team).delete()
    team.delete()  # the admin
    assert cards(page(browser, "/teams/")) == [] and cards(page(browser, "/my/")) == []


def test_my_tasks_are_each_viewers_own_and_show_changes_at_once(people, team):
    column = Column.objects.filter(team=team, is_done=False).order_by("rank").first()
    task = Card.objects.get(pk=create_card(people["lead"], team, column=column, title="Ethics memo",
                                           assignees=[people["expert"]]).data["card"])
    expert, lead = signed_in(people["expert"]), signed_in(people["lead"])
    assert "Ethics memo" in page(expert, "/my/tasks/") and "Ethics memo" not in page(lead, "/my/tasks/")
    move_card(people["lead"], task, column=Column.objects.get(team=team, is_done=True), version=task.version)
    assert "Ethics memo" not in page(expert, "/my/tasks/")


def test_a_new_cluster_role_shows_its_teams_tasks_at_once(people, team):
    column = Column.objects.filter(team=team).order_by("rank").first()
    task = Card.objects.get(pk=create_card(people["lead"], team, column=column, title="Audit prep").data["card"])
    Card.assignees.through.objects.create(card=task, user=people["outsider"])  # past the service: no event
    browser = signed_in(people["outsider"])
    assert "Audit prep" not in page(browser, "/my/tasks/")  # not a team they may read
    people["outsider"].groups.add(Group.objects.get(name=ClusterRole.ADVISORY_BOARD))  # the admin: no event
    assert "Audit prep" in page(browser, "/my/tasks/")
