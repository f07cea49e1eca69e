"""Every visitor × every invitation action over HTTP (tests/matrix.py: INVITATION_ALLOWED): allowed and
written, or refused with nothing written and no mail; and no pending address leaks to anyone who may not
invite, on any page or stream they can read."""
import pytest

from teams.invitations.models import Invitation
from teams.models import Event
from tests.conftest import make_user
from tests.foundation_helpers import assert_refused, db_state
from tests.invitation_helpers import invite
from tests.matrix import INVITATION_ACTIONS, INVITATION_ALLOWED, VISITORS

pytestmark = pytest.mark.django_db

SECRET = "pending.person@example.org"


def run(client, team, action, invitation, newcomer):
    slug = team.slug
    if action == "invite":
        response = client.post(f"/teams/{slug}/members/invite/", {"addresses": "new.one@example.org",
                                                                   "people": [newcomer.pk], "role": "expert"})
        return response, lambda: Invitation.objects.filter(team=team, email="new.one@example.org").exists()
    if action == "resend":
        before = Invitation.objects.get(pk=invitation.pk).sent_at
        response = client.post(f"/teams/{slug}/invitations/{invitation.pk}/resend/")
        return response, lambda: Invitation.objects.get(pk=invitation.pk).sent_at != before
    if action == "revoke":
        response = client.post(f"/teams/{slug}/invitations/{invitation.pk}/revoke/")
        return response, lambda: Invitation.objects.get(pk=invitation.pk).state == "revoked"
    if action == "see_invitations":
        response = client.get(f"/teams/{slug}/invitations/")
        return response, lambda: response.status_code == 200 and SECRET in response.content.decode()
    raise AssertionError(action)


@pytest.mark.parametrize("action", INVITATION_ACTIONS)
@pytest.mark.parametrize("role", VISITORS)
def test_role_invitation_action(client, people, team, role, action, django_capture_on_commit_callbacks):
    invitation = invite(people["lead"], team, emails=[SECRET])[0]
    newcomer = make_user("newcomer")
    if role != "anonymous":
        client.force_login(people[role])
    before, events = db_state(), Event.objects.count()
    with django_capture_on_commit_callbacks() as callbacks:
        response, written = run(client, team, action, invitation, newcomer)
    mails = [c for c in callbacks if getattr(c, "func", None) is not None and c.func.__name__ == "enqueue"]
    if INVITATION_ALLOWED[role][INVITATION_ACTIONS.index(action)]:
        assert response.status_code in (200, 302), response.content[:500]
        assert written(), f"{role} may {action}, but nothing happened"
        if action != "see_invitations":
            assert Event.objects.count() > events, "every change is in the event log"
        assert len(mails) == {"invite": 2, "resend": 1}.get(action, 0)
    else:
        assert_refused(response, role)
        assert not written(), f"{role} must not {action}"
        assert db_state() == before and mails == []
        assert SECRET not in response.content.decode()


@pytest.mark.parametrize("role", [r for r in VISITORS if not INVITATION_ALLOWED[r][INVITATION_ACTIONS.index(
    "see_invitations")]])
def test_no_pending_address_leaks_to_those_who_may_not_invite(client, people, team, role):
    invite(people["lead"], team, emails=[SECRET])
    if role != "anonymous":
        client.force_login(people[role])
    for url in (f"/teams/{team.slug}/", f"/teams/{team.slug}/events/", f"/teams/{team.slug}/invitations/", "/my/",
                f"/teams/{team.slug}/board/", "/teams/", "/notifications/"):
        assert SECRET not in client.get(url).content.decode(), url
