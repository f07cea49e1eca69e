"""Every role × every team action, over HTTP: allowed (and written) or refused (and nothing written)."""
import datetime

import pytest
from django.utils import timezone

from teams import services
from teams.models import Event, Membership, Team
from tests.conftest import make_user, team_data
from tests.matrix import VISITORS, may

ACTIONS = ["view", "edit", "propose", "launch", "extend", "conclude", "invite", "approve_join",
           "change_roles", "remove_member"]  # the team's own actions (tests/matrix.py: who may)


class Scenario:
    """One action, performed over HTTP, and how to tell whether it was written."""

    def __init__(self, people, team):
        self.people, self.team = people, team
        self.newcomer = make_user("newcomer")
        self.requester = make_user("requester")
        self.request = services.request_to_join(self.requester, team, message="please")
        self.proposal = services.propose_team(self.newcomer, **team_data(name="A proposal"))
        colleague = make_user("colleague")
        self.colleague = services.invite_member(people["manager"], team, user=colleague, role="expert")

    def run(self, client, action):
        team, slug = self.team, self.team.slug
        future = (team.end_date + datetime.timedelta(days=60)).isoformat()
        goal_ids = [g.pk for g in team.goals.all()]
        field_ids = [f.pk for f in team.fields_of_action.all()]
        today = timezone.localdate()
        if action == "view":
            response = client.get(f"/teams/{slug}/events/")
            return response, lambda: response.status_code == 200 and b'"events"' in response.content
        if action == "edit":
            response = client.post(f"/teams/{slug}/edit/", {"name": "Renamed", "purpose": "New purpose",
                                                             "goals": goal_ids, "fields_of_action": field_ids})
            return response, lambda: Team.objects.get(pk=team.pk).name == "Renamed"
        if action == "propose":
            response = client.post("/teams/propose/", {
                "name": "My idea", "purpose": "Something good", "goals": goal_ids, "fields_of_action": field_ids,
                "start_date": today.isoformat(), "end_date": future})
            return response, lambda: Team.objects.filter(name="My idea", status="proposed").exists()
        if action == "launch":
            response = client.post(f"/teams/{self.proposal.slug}/launch/", {
                "start_date": today.isoformat(), "end_date": future})
            return response, lambda: Team.objects.get(pk=self.proposal.pk).status == Team.Status.ACTIVE
        if action == "extend":
            response = client.post(f"/teams/{slug}/extend/", {"end_date": future})
            return response, lambda: Team.objects.get(pk=team.pk).status == Team.Status.EXTENDED
        if action == "conclude":
            response = client.post(f"/teams/{slug}/conclude/")
            return response, lambda: Team.objects.get(pk=team.pk).status == Team.Status.CONCLUDED
        if action == "invite":
            response = client.post(f"/teams/{slug}/members/invite/", {"user": self.newcomer.pk, "role": "expert"})
            return response, lambda: Membership.objects.filter(team=team, user=self.newcomer).exists()
        if action == "approve_join":
            response = client.post(f"/teams/{slug}/members/{self.request.pk}/answer/", {"decision": "approve"})
            return response, lambda: Membership.objects.get(pk=self.request.pk).state == "active"
        if action == "change_roles":
            response = client.post(f"/teams/{slug}/members/{self.colleague.pk}/role/", {"role": "observer"})
            return response, lambda: Membership.objects.get(pk=self.colleague.pk).role == "observer"
        if action == "remove_member":
            response = client.post(f"/teams/{slug}/members/{self.colleague.pk}/remove/")
            return response, lambda: not Membership.objects.filter(pk=self.colleague.pk).exists()
        raise AssertionError(action)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", VISITORS)
def test_role_action(client, people, team, role, action):
    scenario = Scenario(people, team)
    if role != "anonymous":
        client.force_login(people[role])
    events_before = Event.objects.count()
    response, written = scenario.run(client, action)
    if may(role, action):
        assert response.status_code in (200, 302), response.content[:500]
        assert written(), f"{role} may {action}, but nothing was written"
        if action != "view":
            assert Event.objects.count() > events_before, "every change is in the event log"
    else:
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
        else:
            assert response.status_code in (403, 404)
        assert not written(), f"{role} must not {action}"
        assert Event.objects.count() == events_before


@pytest.mark.django_db
def test_non_member_sees_public_card_but_no_private_content(client, people, team):
    client.force_login(people["outsider"])
    page = client.get(f"/teams/{team.slug}/").content.decode()
    assert team.name in page and "Ask to join" in page
    assert "Recent activity" not in page
    assert client.get(f"/teams/{team.slug}/events/").status_code == 404


@pytest.mark.django_db
def test_membership_service_grants_and_revokes_guardian_permissions(people, team):
    expert = people["expert"]
    fresh = type(expert).objects.get(pk=expert.pk)
    assert fresh.has_perm("teams.contribute_team", team) and not fresh.has_perm("teams.manage_members", team)
    membership = Membership.objects.get(team=team, user=expert)
    services.change_role(people["lead"], membership, role="lead")
    fresh = type(expert).objects.get(pk=expert.pk)
    assert fresh.has_perm("teams.manage_roles", team)
    services.remove_member(people["manager"], membership)
    fresh = type(expert).objects.get(pk=expert.pk)
    assert not fresh.has_perm("teams.view_team", team)
