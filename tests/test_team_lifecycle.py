"""The team lifecycle: proposed → active → (extended) → concluded → archived.

Every valid transition is written with its event; every invalid one is refused with a
clear message and leaves the database (rows, guardian permissions, event log) untouched.
A team past its end date is read-only for everyone until cluster management extends it.
"""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from teams import membership as membership_services
from teams import services
from teams.models import Event, Membership, Team
from teams.permissions import READ_ONLY_MESSAGE, Action, can
from tests.conftest import make_user, team_data
from tests.foundation_helpers import assert_form_refuses, db_state, page_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
STATUSES = ["proposed", "active", "extended", "concluded", "archived"]
SERVICE = {
    "launch": lambda actor, team: services.launch_team(actor, team),
    "extend": lambda actor, team: services.extend_team(actor, team, end_date=team.end_date + 30 * DAY),
    "conclude": services.conclude_team,
    "archive": services.archive_team,
}
# Which action each status allows, and the status it leads to.
VALID = {
    ("proposed", "launch"): "active",
    ("active", "extend"): "extended",
    ("active", "conclude"): "concluded",
    ("extended", "extend"): "extended",
    ("extended", "conclude"): "concluded",
    ("concluded", "archive"): "archived",
}
PAST = {"launch": "launched", "extend": "extended", "conclude": "concluded", "archive": "archived"}
ALL_PAIRS = [(status, action) for status in STATUSES for action in SERVICE]
INVALID = [pair for pair in ALL_PAIRS if pair not in VALID]


def team_in(status, people, name=None):
    """A team brought to `status` through the services, as it happens in real life."""
    name = name or f"Team {status}"
    manager = people["manager"]
    if status == "proposed":
        return services.propose_team(people["lead"], **team_data(name=name))
    team = services.launch_new_team(manager, lead=people["lead"], **team_data(name=name))
    if status == "extended":
        services.extend_team(manager, team, end_date=team.end_date + 10 * DAY)
    if status in ("concluded", "archived"):
        services.conclude_team(manager, team)
    if status == "archived":
        services.archive_team(manager, team)
    team.refresh_from_db()
    assert team.status == status
    return team


def expire(team, days_ago=1):
    """Time passes: the team's end date is now in the past (it is still active)."""
    Team.objects.filter(pk=team.pk).update(start_date=TODAY() - 200 * DAY, end_date=TODAY() - days_ago * DAY)
    team.refresh_from_db()
    assert team.is_running and team.is_expired and not team.is_writable
    return team


def test_the_whole_lifecycle_writes_one_event_per_step(people):
    manager = people["manager"]
    team = services.propose_team(people["lead"], **team_data(name="Full life"))
    services.launch_team(manager, team)
    services.extend_team(manager, team, end_date=team.end_date + 30 * DAY)
    services.conclude_team(manager, team)
    services.archive_team(manager, team)
    kinds = list(Event.objects.filter(team=team).order_by("seq").values_list("kind", "seq"))
    assert [k for k, _ in kinds if k.startswith("team.")] == [
        "team.proposed", "team.launched", "team.extended", "team.concluded", "team.archived"]
    assert [seq for _, seq in kinds] == list(range(1, len(kinds) + 1))
    team.refresh_from_db()
    assert team.status == Team.Status.ARCHIVED and team.last_seq == len(kinds)


@pytest.mark.parametrize("status,action", list(VALID))
def test_valid_transition(people, status, action):
    team = team_in(status, people)
    events_before = Event.objects.filter(team=team).count()
    recorded = SERVICE[action](people["manager"], team)
    team.refresh_from_db()
    assert team.status == VALID[(status, action)]
    # (launching also sets up the board and channels, which write their own events)
    last = Event.objects.filter(team=team, kind__startswith="team.").order_by("-seq").first()
    assert last.kind == f"team.{PAST[action]}"
    assert recorded == last, "a service returns the event it recorded (teams/services.py)"
    assert last.data["team"]["status"] == team.status
    assert Event.objects.filter(team=team).count() > events_before


@pytest.mark.parametrize("status,action", INVALID)
def test_invalid_transition_is_refused_and_nothing_written(people, status, action):
    team = team_in(status, people)
    before = db_state()
    with pytest.raises(ValidationError) as refused:
        SERVICE[action](people["manager"], team)
    verb = PAST[action]
    assert refused.value.messages == [f"A team that is {status} cannot be {verb}."]
    assert db_state() == before


@pytest.mark.parametrize("status,action,url", [
    ("proposed", "conclude", "/teams/{slug}/conclude/"),
    ("active", "archive", "/teams/{slug}/archive/"),
    ("concluded", "conclude", "/teams/{slug}/conclude/"),
])
def test_invalid_transition_over_http_shows_the_message(client, people, status, action, url):
    team = team_in(status, people)
    client.force_login(people["manager"])
    before = db_state()
    response = client.post(url.format(slug=team.slug), follow=True)
    assert response.status_code == 200
    verb = PAST[action]
    assert f"A team that is {status} cannot be {verb}." in page_text(response)
    assert db_state() == before


def test_launching_an_active_team_over_http_rerenders_the_form_with_the_message(client, people):
    team = team_in("active", people)
    client.force_login(people["manager"])
    assert_form_refuses(client, f"/teams/{team.slug}/launch/", {"start_date": team.start_date.isoformat(),
                                                                 "end_date": team.end_date.isoformat()},
                        "A team that is active cannot be launched.")


def test_extending_a_proposed_team_over_http_is_refused(client, people):
    team = team_in("proposed", people)
    client.force_login(people["manager"])
    assert_form_refuses(client, f"/teams/{team.slug}/extend/", {"end_date": (team.end_date + 30 * DAY).isoformat()},
                        "A team that is proposed cannot be extended.")


@pytest.mark.parametrize("role", ["lead", "supporter", "expert", "advisor", "field_manager"])
@pytest.mark.parametrize("action", ["launch", "extend", "conclude", "archive"])
def test_only_cluster_management_moves_the_lifecycle(people, team, role, action):
    subject = team
    if action == "launch":
        subject = team_in("proposed", people, name="Waiting proposal")
    elif action == "archive":
        subject = team_in("concluded", people, name="Finished team")
    before = db_state()
    with pytest.raises(PermissionDenied) as refused:
        SERVICE[action](people[role], subject)
    assert "Only cluster management" in str(refused.value)
    assert db_state() == before


# End before start ----------------------------------------------------------------------

def test_service_refuses_end_before_start(people):
    before = db_state()
    bad = dict(start_date=TODAY(), end_date=TODAY() - DAY)
    with pytest.raises(ValidationError) as proposal:
        services.propose_team(people["expert"], **team_data(**bad))
    assert proposal.value.message_dict["end_date"] == ["The end date must not be before the start date."]
    with pytest.raises(ValidationError) as launch:
        services.launch_new_team(people["manager"], lead=people["lead"], **team_data(**bad))
    assert "end_date" in launch.value.message_dict
    assert db_state() == before


def test_launching_a_proposal_with_end_before_start_is_refused(people):
    team = team_in("proposed", people)
    before = db_state()
    with pytest.raises(ValidationError) as refused:
        services.launch_team(people["manager"], team, start_date=TODAY() + 10 * DAY, end_date=TODAY() + 5 * DAY)
    assert refused.value.message_dict["end_date"] == ["The end date must not be before the start date."]
    assert db_state() == before


@pytest.mark.parametrize("url,who", [("/teams/propose/", "expert"), ("/teams/launch/", "manager")])
def test_forms_refuse_end_before_start(client, people, url, who):
    client.force_login(people[who])
    data = team_data()
    assert_form_refuses(client, url, {
        "name": "Backwards", "purpose": "Time runs backwards", "goals": [g.pk for g in data["goals"]],
        "fields_of_action": [f.pk for f in data["fields_of_action"]],
        "start_date": TODAY().isoformat(), "end_date": (TODAY() - DAY).isoformat()},
        "The end date must not be before the start date.")


def test_launch_form_of_a_proposal_refuses_end_before_start(client, people):
    team = team_in("proposed", people)
    client.force_login(people["manager"])
    assert_form_refuses(client, f"/teams/{team.slug}/launch/", {"start_date": (TODAY() + 9 * DAY).isoformat(),
                                                                 "end_date": (TODAY() + 3 * DAY).isoformat()},
                        "The end date must not be before the start date.")


def test_a_team_cannot_start_life_with_its_end_date_in_the_past(people):
    message = ["The end date is in the past: a team needs time ahead of it."]
    past = {"start_date": TODAY() - 90 * DAY, "end_date": TODAY() - DAY}
    before = db_state()
    with pytest.raises(ValidationError) as proposal:
        services.propose_team(people["expert"], **team_data(**past))
    assert proposal.value.message_dict["end_date"] == message
    with pytest.raises(ValidationError) as launch:
        services.launch_new_team(people["manager"], **team_data(**past))
    assert launch.value.message_dict["end_date"] == message
    assert db_state() == before
    team = team_in("proposed", people)
    Team.objects.filter(pk=team.pk).update(start_date=TODAY() - 90 * DAY, end_date=TODAY() - DAY)  # it waited
    before = db_state()
    with pytest.raises(ValidationError) as stale:
        services.launch_team(people["manager"], team)
    assert stale.value.message_dict["end_date"] == message
    assert db_state() == before
    services.launch_team(people["manager"], team, end_date=TODAY() + 60 * DAY)  # with a new time frame
    team.refresh_from_db()
    assert team.status == Team.Status.ACTIVE and team.is_writable


def test_database_constraint_refuses_end_before_start(people, team):
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.filter(pk=team.pk).update(end_date=team.start_date - DAY)
    team.refresh_from_db()
    assert team.end_date > team.start_date


def test_model_validation_names_the_problem(people, team):
    team.end_date = team.start_date - DAY
    with pytest.raises(ValidationError) as refused:
        team.full_clean()
    assert "The end date must not be before the start date." in refused.value.messages


# Expired teams ------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["manager", "lead", "supporter"])
def test_an_expired_team_refuses_invites_and_edits_for_everyone(people, team, who):
    expire(team)
    actor = people[who]
    newcomer = make_user("newcomer")
    before = db_state()
    with pytest.raises(PermissionDenied) as invite:
        membership_services.enrol_member(actor, team, user=newcomer, role=Membership.Role.EXPERT)
    assert str(invite.value) == str(READ_ONLY_MESSAGE)
    with pytest.raises(PermissionDenied) as edit:
        services.update_team(actor, team, name="New name", purpose="New purpose", goals=list(team.goals.all()),
                             fields_of_action=list(team.fields_of_action.all()))
    assert str(edit.value) == str(READ_ONLY_MESSAGE)
    assert db_state() == before


@pytest.mark.parametrize("who", ["manager", "lead", "supporter", "expert", "observer", "outsider"])
def test_an_expired_team_is_read_only_for_every_action(people, team, who):
    expire(team)
    user = people[who]
    writes = [Action.CONTRIBUTE, Action.EDIT, Action.INVITE, Action.APPROVE_JOIN, Action.CHANGE_ROLES,
              Action.REMOVE_MEMBER, Action.REQUEST_JOIN]
    assert [a for a in writes if can(user, a, team)] == []
    # Reading stays as it was: members and cluster management still see the team.
    assert can(user, Action.VIEW, team) == (who != "outsider")


def test_an_expired_team_refuses_member_changes(people, team):
    requester = make_user("requester")
    join = membership_services.request_to_join(requester, team, message="please")
    expert = Membership.objects.get(team=team, user=people["expert"])
    expire(team)
    before = db_state()
    for attempt in (lambda: membership_services.answer_join_request(people["lead"], join, approve=True),
                    lambda: membership_services.change_role(people["lead"], expert, role=Membership.Role.OBSERVER),
                    lambda: membership_services.remove_member(people["lead"], expert),
                    lambda: membership_services.request_to_join(people["outsider"], team, message="late")):
        with pytest.raises(PermissionDenied):
            attempt()
    assert db_state() == before


def test_an_expired_team_over_http(client, people, team):
    expire(team)
    client.force_login(people["lead"])
    before = db_state()
    page = page_text(client.get(f"/teams/{team.slug}/"))
    assert "read-only until cluster management extends it" in page
    assert f'href="/teams/{team.slug}/edit/"' not in page and f'href="/teams/{team.slug}/members/invite/"' not in page
    response = client.post(f"/teams/{team.slug}/edit/", {"name": "Renamed", "purpose": "x",
                                                          "goals": [g.pk for g in team.goals.all()],
                                                          "fields_of_action": [f.pk for f in
                                                                               team.fields_of_action.all()]})
    assert response.status_code == 403 and "read-only" in page_text(response)
    client.force_login(people["manager"])
    response = client.post(f"/teams/{team.slug}/members/invite/", {"user": people["outsider"].pk, "role": "expert"})
    assert response.status_code == 403 and "read-only" in page_text(response)
    assert db_state() == before


def test_extending_an_expired_team_makes_it_writable_again(people, team):
    expire(team, days_ago=5)
    newcomer = make_user("newcomer")
    services.extend_team(people["manager"], team, end_date=TODAY() + 30 * DAY)
    team.refresh_from_db()
    assert team.status == Team.Status.EXTENDED and team.is_writable
    assert can(people["expert"], Action.CONTRIBUTE, team)
    membership_services.enrol_member(people["lead"], team, user=newcomer, role=Membership.Role.EXPERT)
    assert Membership.objects.filter(team=team, user=newcomer, state="active").exists()


def test_an_expired_team_can_be_concluded(people, team):
    expire(team)
    services.conclude_team(people["manager"], team)
    team.refresh_from_db()
    assert team.status == Team.Status.CONCLUDED


def test_extending_an_expired_team_into_the_past_is_refused(people, team):
    expire(team, days_ago=10)
    before = db_state()
    with pytest.raises(ValidationError) as refused:
        services.extend_team(people["manager"], team, end_date=TODAY() - 3 * DAY)
    assert refused.value.message_dict["end_date"] == ["The new end date must not be in the past."]
    assert db_state() == before


@pytest.mark.parametrize("offset", [0, -1, -30])
def test_extending_to_a_date_not_after_the_current_end_is_refused(people, team, offset):
    before = db_state()
    with pytest.raises(ValidationError) as refused:
        services.extend_team(people["manager"], team, end_date=team.end_date + offset * DAY)
    assert refused.value.message_dict["end_date"] == [
        f"The new end date must be after the current one ({team.end_date.isoformat()})."]
    assert db_state() == before


def test_extend_form_shows_the_refusal(client, people, team):
    client.force_login(people["manager"])
    assert_form_refuses(client, f"/teams/{team.slug}/extend/", {"end_date": team.end_date.isoformat()},
                        "The new end date must be after the current one")


# The last lead ------------------------------------------------------------------------

def test_the_last_lead_cannot_be_removed_demoted_or_leave(people, team):
    lead = Membership.objects.get(team=team, user=people["lead"])
    before = db_state()
    message = "A team needs a lead: make someone else lead first."
    for attempt in (lambda: membership_services.remove_member(people["manager"], lead),
                    lambda: membership_services.remove_member(people["lead"], lead),  # leaving
                    lambda: membership_services.change_role(people["manager"], lead, role=Membership.Role.EXPERT),
                    lambda: membership_services.change_role(people["lead"], lead, role=Membership.Role.OBSERVER)):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.messages == [message]
    assert db_state() == before


def test_a_lead_can_step_down_once_there_is_another(people, team):
    expert = Membership.objects.get(team=team, user=people["expert"])
    lead = Membership.objects.get(team=team, user=people["lead"])
    membership_services.change_role(people["lead"], expert, role=Membership.Role.LEAD)
    membership_services.change_role(people["lead"], lead, role=Membership.Role.EXPERT)
    assert Membership.objects.get(pk=lead.pk).role == Membership.Role.EXPERT
    with pytest.raises(ValidationError):  # now the expert is the last lead
        membership_services.remove_member(people["manager"], Membership.objects.get(pk=expert.pk))


def test_last_lead_over_http(client, people, team):
    lead = Membership.objects.get(team=team, user=people["lead"])
    client.force_login(people["manager"])
    before = db_state()
    response = client.post(f"/teams/{team.slug}/members/{lead.pk}/remove/", follow=True)
    assert "A team needs a lead" in page_text(response)
    response = client.post(f"/teams/{team.slug}/members/{lead.pk}/role/", {"role": "observer"}, follow=True)
    assert "A team needs a lead" in page_text(response)
    assert db_state() == before


def test_the_team_page_tells_the_story_in_words(client, people, team):
    services.extend_team(people["manager"], team, end_date=team.end_date + 30 * DAY)
    client.force_login(people["expert"])
    page = page_text(client.get(f"/teams/{team.slug}/"))
    assert "launched the team" in page
    assert "added Expert Tester as Expert" in page and "added Observer Tester as Observer" in page
    assert f"extended the team until {date_format(team.end_date + 30 * DAY, 'DATE_FORMAT')}" in page
    assert "team.launched" not in page
