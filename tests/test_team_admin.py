"""The Django admin writes teams and memberships only through the services.

Saving a team in the admin is `update_team` (permission, validation, event); lifecycle
and member changes are admin actions calling the services; there is no way to add,
delete or directly edit a team, membership or event that would bypass the event log.
"""
import pytest
from django.contrib.auth.models import Permission

from teams import membership as membership_services
from teams import services
from teams.models import Event, Membership, Team, TeamUserObjectPermission
from tests.conftest import make_user, team_data
from tests.foundation_helpers import db_state, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, people):
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    client.root = root
    return client


def team_form(team, **overrides):
    data = {"name": team.name, "purpose": team.purpose, "goals": [g.pk for g in team.goals.all()],
            "fields_of_action": [f.pk for f in team.fields_of_action.all()]}
    data.update(overrides)
    return data


def run_action(client, model, action, objects):
    return client.post(f"/admin/teams/{model}/", {"action": action, "_selected_action": [o.pk for o in objects]},
                       follow=True)


def test_admin_pages_open(admin_client, team):
    for url in ("/admin/", "/admin/teams/team/", f"/admin/teams/team/{team.pk}/change/", "/admin/teams/membership/",
                "/admin/teams/event/", "/admin/teams/strategicgoal/", "/admin/teams/focalarea/"):
        assert admin_client.get(url).status_code == 200, url


def test_saving_a_team_goes_through_the_service_and_is_logged(admin_client, people, team):
    from teams.models import StrategicGoal
    goals = list(StrategicGoal.objects.filter(code__in=["5a", "5b"]))
    seq = team.last_seq
    response = admin_client.post(f"/admin/teams/team/{team.pk}/change/",
                                 team_form(team, name="Renamed in admin", goals=[g.pk for g in goals]))
    assert response.status_code == 302, page_text(response)[:3000]
    team.refresh_from_db()
    assert team.name == "Renamed in admin"
    assert sorted(team.goals.values_list("code", flat=True)) == ["5a", "5b"]
    event = Event.objects.get(team=team, seq=seq + 1)
    assert event.kind == "team.updated" and event.actor == admin_client.root
    assert event.data["goals"] == ["5a", "5b"]


def test_the_admin_form_cannot_change_status_dates_or_members(admin_client, people, team):
    before = (team.status, team.start_date, team.end_date, team.slug, team.last_seq)
    response = admin_client.post(f"/admin/teams/team/{team.pk}/change/", {
        **team_form(team), "status": "archived", "end_date": "2001-01-01", "start_date": "2000-01-01",
        "slug": "hijacked", "last_seq": 0})
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.status, team.start_date, team.end_date, team.slug) == before[:4]
    assert team.last_seq == before[4] + 1  # only the update itself


@pytest.mark.parametrize("overrides,message", [
    ({"name": ""}, "This field is required."),
    ({"goals": []}, "This field is required."),
    ({"fields_of_action": [9999]}, "Select a valid choice."),
])
def test_bad_input_in_the_admin_writes_nothing(admin_client, team, overrides, message):
    before = db_state()
    response = admin_client.post(f"/admin/teams/team/{team.pk}/change/", team_form(team, **overrides))
    assert response.status_code == 200
    assert message in page_text(response)
    assert db_state() == before


def test_a_read_only_team_cannot_be_edited_in_the_admin(admin_client, people, team):
    services.conclude_team(people["manager"], team)
    before = db_state()
    response = admin_client.post(f"/admin/teams/team/{team.pk}/change/", team_form(team, name="Too late"))
    assert response.status_code == 200
    assert "This team is read-only" in page_text(response)
    assert db_state() == before


def test_no_add_or_delete_and_no_direct_guardian_editing(admin_client, team):
    before = db_state()
    assert admin_client.get("/admin/teams/team/add/").status_code == 403
    assert admin_client.post(f"/admin/teams/team/{team.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get(f"/admin/teams/team/{team.pk}/permissions/").status_code in (302, 404)
    membership = Membership.objects.filter(team=team).first()
    assert admin_client.get("/admin/teams/membership/add/").status_code == 403
    assert admin_client.post(f"/admin/teams/membership/{membership.pk}/delete/", {"post": "yes"}).status_code == 403
    event = Event.objects.filter(team=team).first()
    assert admin_client.post(f"/admin/teams/event/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"/admin/teams/event/{event.pk}/change/", {"kind": "forged"}).status_code == 403
    response = run_action(admin_client, "team", "delete_selected", [team])
    assert "No action selected." in page_text(response)  # there is no delete action
    assert db_state() == before


def test_a_membership_cannot_be_edited_directly(admin_client, people, team):
    membership = Membership.objects.get(team=team, user=people["expert"])
    before = db_state()
    page = admin_client.get(f"/admin/teams/membership/{membership.pk}/change/")
    assert page.status_code == 200 and 'name="role"' not in page_text(page)  # a read-only view
    response = admin_client.post(f"/admin/teams/membership/{membership.pk}/change/", {"role": "lead",
                                                                                      "state": "active"})
    assert response.status_code == 403
    assert db_state() == before


def test_lifecycle_actions_call_the_services(admin_client, people, team):
    proposal = services.propose_team(people["expert"], **team_data(name="Admin proposal"))
    run_action(admin_client, "team", "launch_teams", [proposal])
    proposal.refresh_from_db()
    assert proposal.status == Team.Status.ACTIVE
    assert Event.objects.filter(team=proposal, kind="team.launched", actor=admin_client.root).exists()
    run_action(admin_client, "team", "conclude_teams", [team])
    run_action(admin_client, "team", "archive_teams", [team])
    team.refresh_from_db()
    assert team.status == Team.Status.ARCHIVED
    assert list(Event.objects.filter(team=team, kind__in=["team.concluded", "team.archived"])
                .values_list("kind", flat=True).order_by("seq")) == ["team.concluded", "team.archived"]


def test_an_invalid_lifecycle_action_shows_the_refusal_and_writes_nothing(admin_client, people, team):
    proposal = services.propose_team(people["expert"], **team_data(name="Not yet"))
    before = db_state()
    response = run_action(admin_client, "team", "archive_teams", [team, proposal])
    page = page_text(response)
    assert "A team that is active cannot be archived." in page
    assert "A team that is proposed cannot be archived." in page
    assert db_state() == before


def test_member_actions_call_the_membership_service(admin_client, people, team):
    expert = Membership.objects.get(team=team, user=people["expert"])
    run_action(admin_client, "membership", "make_observer", [expert])
    expert.refresh_from_db()
    assert expert.role == Membership.Role.OBSERVER
    codenames = set(Permission.objects.filter(teamuserobjectpermission__user=people["expert"],
                                              teamuserobjectpermission__content_object=team)
                    .values_list("codename", flat=True))
    assert codenames == {"view_team"}  # guardian rows follow the role
    assert Event.objects.filter(team=team, kind="member.role_changed", data__user=people["expert"].pk).exists()

    run_action(admin_client, "membership", "remove_members", [expert])
    assert not Membership.objects.filter(pk=expert.pk).exists()
    assert not TeamUserObjectPermission.objects.filter(user=people["expert"], content_object=team).exists()
    assert Event.objects.filter(team=team, kind="member.removed", data__user=people["expert"].pk).exists()


def test_join_requests_are_answered_through_the_service(admin_client, people, team):
    asker = make_user("asker")
    request = membership_services.request_to_join(asker, team, message="hello")
    run_action(admin_client, "membership", "approve_requests", [request])
    assert Membership.objects.get(pk=request.pk).state == Membership.State.ACTIVE
    assert TeamUserObjectPermission.objects.filter(user=asker, content_object=team).exists()


def test_member_actions_keep_the_rules(admin_client, people, team):
    lead = Membership.objects.get(team=team, user=people["lead"])
    before = db_state()
    response = run_action(admin_client, "membership", "remove_members", [lead])
    assert "A team needs a lead: make someone else lead first." in page_text(response)
    response = run_action(admin_client, "membership", "make_expert", [lead])
    assert "A team needs a lead" in page_text(response)
    assert db_state() == before


def test_a_staff_member_without_a_team_role_is_refused_by_the_services(client, people, team):
    """Admin access is not team access: the services still ask who you are in the team."""
    staff = make_user("staffer", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_membership", "view_team",
                                                                         "change_team"]))
    client.force_login(staff)
    expert = Membership.objects.get(team=team, user=people["expert"])
    before = db_state()
    response = run_action(client, "membership", "make_lead", [expert])
    assert "You may not do this in this team." in page_text(response)
    response = client.post(f"/admin/teams/team/{team.pk}/change/", team_form(team, name="Staff rename"))
    assert response.status_code == 200 and "Staff rename" not in Team.objects.get(pk=team.pk).name
    assert db_state() == before


def test_escaped_in_the_admin(admin_client, people):
    team = services.launch_new_team(people["manager"], lead=people["lead"],
                                    **team_data(name="<script>alert(1)</script>"))
    page = page_text(admin_client.get(f"/admin/teams/team/{team.pk}/change/"))
    assert "<script>alert(1)</script>" not in page
