"""Every role × every team action, over HTTP: allowed (and written) or refused (and nothing written)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from teams import membership as membership_services
from teams import permissions, services
from teams.invitations.models import Invitation
from teams.models import Event, FieldOfAction, Membership, Team
from teams.review.models import ReportExport
from tests.conftest import make_user, team_data
from tests.foundation_helpers import assert_refused
from tests.matrix import RULE_ALLOWED, RULES, VISITORS, may

ACTIONS = ["view", "edit", "propose", "launch", "extend", "conclude", "invite", "approve_join",
           "change_roles", "remove_member"]  # the team's own actions (tests/matrix.py: who may)


class Scenario:
    """One action, performed over HTTP, and how to tell whether it was written."""

    def __init__(self, people, team):
        self.people, self.team = people, team
        self.newcomer = make_user("newcomer")
        self.requester = make_user("requester")
        self.request = membership_services.request_to_join(self.requester, team, message="please")
        self.proposal = services.propose_team(self.newcomer, **team_data(name="A proposal"))
        colleague = make_user("colleague")
        self.colleague = membership_services.enrol_member(people["manager"], team, user=colleague, role="expert")

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
            response = client.post(f"/teams/{slug}/members/invite/", {"people": self.newcomer.pk, "role": "expert"})
            return response, lambda: Invitation.objects.filter(team=team, invitee=self.newcomer).exists()
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
        assert_refused(response, role)
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
    membership_services.change_role(people["lead"], membership, role="lead")
    fresh = type(expert).objects.get(pk=expert.pk)
    assert fresh.has_perm("teams.manage_roles", team)
    membership_services.remove_member(people["manager"], membership)
    fresh = type(expert).objects.get(pk=expert.pk)
    assert not fresh.has_perm("teams.view_team", team)




def _allowed_by_rule(rule, user, team, other):
    def removal(membership):
        try:
            permissions.require_removal(user, membership, team)
            return True
        except PermissionDenied:
            return False

    someone_elses = {"requested_by": other, "format": "csv"}
    return {
        "viewable_teams": lambda: permissions.viewable_teams(user).filter(pk=team.pk).exists(),
        "schedule_reviews": lambda: permissions.can_schedule_reviews(user),
        "write_minutes": lambda: permissions.can_write_minutes(user, [team]),
        "see_meeting": lambda: permissions.can_see_meeting(user, [team]),
        "export_team": lambda: permissions.can_export_report(user, team),
        "export_all": lambda: permissions.can_export_report(user),
        "download_team_report": lambda: permissions.can_download_report(user, ReportExport(team=team, **someone_elses)),
        "download_all_report": lambda: permissions.can_download_report(user, ReportExport(team=None, **someone_elses)),
        "remove_other": lambda: removal(Membership(team=team, user=other)),
        "leave": lambda: removal(Membership(team=team, user=user)),
    }[rule]()


@pytest.mark.django_db
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("role", list(RULE_ALLOWED))
def test_role_rule(people, team, role, rule):
    other = make_user("someone_else")
    assert _allowed_by_rule(rule, people[role], team, other) == RULE_ALLOWED[role][RULES.index(rule)]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(RULE_ALLOWED))
def test_viewable_teams_are_the_teams_can_view_allows(people, make_team, role):
    teams = [make_team(name="Life team"), make_team(name="Care team",
                                                    fields_of_action=list(FieldOfAction.objects.filter(code="IC")))]
    user = people[role]
    assert set(permissions.viewable_teams(user)) == {t for t in teams if permissions.can_view(user, t)}
