"""Leaving a team from one's own "Leave" button; the last lead's refusal offers the hand-over in the same form
(membership.hand_over_and_leave: the successor becomes lead, the lead leaves, one step), never a dead end."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from teams import membership as membership_services
from teams import services
from teams.accounts import services as accounts_services
from teams.models import Event, Membership, Team
from tests.conftest import make_user, team_data
from tests.foundation_helpers import db_state, page_text

pytestmark = pytest.mark.django_db


def membership_of(team, user):
    return Membership.objects.get(team=team, user=user)


def test_the_own_leave_button_posts_to_the_leave_page(client, people, team):
    client.force_login(people["expert"])
    page = page_text(client.get(f"/teams/{team.slug}/"))
    assert f'action="/teams/{team.slug}/leave/"' in page and page.count(f"/teams/{team.slug}/leave/") == 1


def test_an_expert_leaves(client, people, team):
    client.force_login(people["expert"])
    response = client.post(f"/teams/{team.slug}/leave/", follow=True)
    assert "You have left the team." in page_text(response)
    assert not Membership.objects.filter(team=team, user=people["expert"]).exists()
    assert Event.objects.filter(team=team, kind="member.removed").count() == 1
    assert not type(people["expert"]).objects.get(pk=people["expert"].pk).has_perm("teams.view_team", team)


def test_a_join_request_is_withdrawn_there_too(client, people, team):
    newcomer = make_user("newcomer")
    membership_services.request_to_join(newcomer, team)
    client.force_login(newcomer)
    assert "Withdraw your join request" in page_text(client.get(f"/teams/{team.slug}/leave/"))
    response = client.post(f"/teams/{team.slug}/leave/", follow=True)
    assert "Your join request is withdrawn." in page_text(response)
    assert not Membership.objects.filter(team=team, user=newcomer).exists()


def test_the_last_leads_refusal_offers_the_hand_over_and_writes_nothing(client, people, team):
    client.force_login(people["lead"])
    before = db_state()
    response = client.post(f"/teams/{team.slug}/leave/")
    page = page_text(response)
    assert response.status_code == 200
    assert "You are the team's only lead" in page and "A team needs a lead: choose who leads it after you." in page
    assert 'name="successor"' in page and "Hand over and leave" in page
    for other in ("expert", "observer", "supporter"):
        assert f"{people[other].get_full_name()} (" in page
    assert f">{people['lead'].get_full_name()} (" not in page  # not oneself
    assert db_state() == before
    german = page_text(client.post(f"/teams/{team.slug}/leave/", HTTP_ACCEPT_LANGUAGE="de"))
    assert "Übergeben und verlassen" in german and "Wählen Sie, wer es nach Ihnen leitet" in german


def test_the_old_remove_endpoint_leads_the_last_lead_to_the_hand_over(client, people, team):
    client.force_login(people["lead"])
    lead = membership_of(team, people["lead"])
    response = client.post(f"/teams/{team.slug}/members/{lead.pk}/remove/")
    assert response.status_code == 302 and response["Location"] == f"/teams/{team.slug}/leave/"


def test_handing_over_makes_the_successor_lead_and_the_lead_leaves(client, people, team):
    client.force_login(people["lead"])
    expert = membership_of(team, people["expert"])
    seq = Team.objects.get(pk=team.pk).last_seq
    response = client.post(f"/teams/{team.slug}/leave/", {"successor": expert.pk}, follow=True)
    assert "Expert Tester leads the team now; you have left it." in page_text(response)
    assert membership_of(team, people["expert"]).role == Membership.Role.LEAD
    assert not Membership.objects.filter(team=team, user=people["lead"]).exists()
    kinds = list(Event.objects.filter(team=team, seq__gt=seq).order_by("seq").values_list("kind", "data__name"))
    assert kinds == [("member.role_changed", "Expert Tester"), ("member.removed", "Lead Tester")]
    successor = type(people["expert"]).objects.get(pk=people["expert"].pk)
    assert successor.has_perm("teams.manage_roles", team)


@pytest.mark.parametrize("successor", ["self", "other_team", "requested", "2" * 30, "abc", "-1", ""])
def test_a_bad_successor_is_a_clear_error_and_nothing_is_written(client, people, team, make_team, successor):
    other = make_team(name="Another team")
    requester = make_user("requester")
    values = {
        "self": membership_of(team, people["lead"]).pk,
        "other_team": membership_of(other, people["expert"]).pk,
        "requested": membership_services.request_to_join(requester, team).pk,
    }
    client.force_login(people["lead"])
    before = db_state()
    response = client.post(f"/teams/{team.slug}/leave/", {"successor": values.get(successor, successor)})
    assert response.status_code == 200
    page = page_text(response)
    assert ("Choose another member of this team as the new lead." in page
            or "A team needs a lead: choose who leads it after you." in page)
    assert db_state() == before


def test_the_only_member_is_told_why_they_cannot_leave(client, people):
    alone = services.propose_team(people["lead"], **team_data(name="Just me"))
    client.force_login(people["lead"])
    page = page_text(client.get(f"/teams/{alone.slug}/leave/"))
    assert "You are the team's only member." in page and 'name="successor"' not in page
    before = db_state()
    assert client.post(f"/teams/{alone.slug}/leave/").status_code == 200
    assert db_state() == before


def test_the_service_checks_who_hands_over_and_when(people, team):
    lead, expert = membership_of(team, people["lead"]), membership_of(team, people["expert"])
    before = db_state()
    with pytest.raises(PermissionDenied):  # cluster management may change roles, but not leave for the lead
        membership_services.hand_over_and_leave(people["manager"], lead, successor=expert)
    with pytest.raises(PermissionDenied):  # an expert has no lead role to hand over
        membership_services.hand_over_and_leave(people["expert"], expert, successor=lead)
    with pytest.raises(ValidationError):
        membership_services.hand_over_and_leave(people["lead"], lead, successor=lead)
    Team.objects.filter(pk=team.pk).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied):  # an ended team is read-only
        membership_services.hand_over_and_leave(people["lead"], lead, successor=expert)
    assert db_state() == {**before, "teams": db_state()["teams"]}


def test_a_non_member_has_no_leave_page(client, people, team):
    client.force_login(people["outsider"])
    assert client.get(f"/teams/{team.slug}/leave/").status_code == 404
    assert client.post(f"/teams/{team.slug}/leave/").status_code == 404


def test_a_deactivated_member_is_no_successor_and_no_lead(client, people, team):
    accounts_services.set_active(people["manager"], people["expert"], active=False)
    lead, expert = membership_of(team, people["lead"]), membership_of(team, people["expert"])
    client.force_login(people["lead"])
    page = page_text(client.get(f"/teams/{team.slug}/leave/"))
    assert f"{people['observer'].get_full_name()} (" in page
    assert f"{people['expert'].get_full_name()} (" not in page  # not offered
    before = db_state()
    response = client.post(f"/teams/{team.slug}/leave/", {"successor": expert.pk})
    assert response.status_code == 200 and "Choose another member of this team as the new lead." in page_text(response)
    with pytest.raises(ValidationError):  # the service refuses too, whoever calls it
        membership_services.hand_over_and_leave(people["lead"], lead, successor=expert)
    with pytest.raises(ValidationError, match="A deactivated person cannot lead a team."):
        membership_services.change_role(people["manager"], expert, role=Membership.Role.LEAD)
    assert db_state() == before


def test_a_deactivated_persons_lead_role_leaves_the_active_lead_the_last_one(people, team):
    other = make_user("second")
    membership_services.enrol_member(people["lead"], team, user=other, role=Membership.Role.LEAD)
    accounts_services.set_active(people["manager"], other, active=False)
    lead = membership_of(team, people["lead"])
    assert membership_services.is_last_lead(lead)  # the deactivated lead leads nobody
    with pytest.raises(ValidationError):
        membership_services.remove_member(people["lead"], lead)
    membership_services.remove_member(people["lead"], membership_of(team, other))  # still removable
