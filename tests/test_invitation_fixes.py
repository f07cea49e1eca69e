"""Invitations, the corners: no mail to a deactivated account's address (the invitation is kept: the inviter
learns nothing), and its link creates no second account; an address invitation opened by someone who is a
member already is resolved; plain text with < and > in the message; the throttle's plural; a bad answer."""
import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from teams.invitations import mail, throttle
from teams.invitations.models import Invitation
from teams.models import Event
from tests.conftest import make_user
from tests.foundation_helpers import page_text
from tests.invitation_helpers import invite, invited_with_link

pytestmark = pytest.mark.django_db

PASSWORD = "Pflege-Netz 2026!"
NEW_PERSON = {"first_name": "Gone", "last_name": "Again", "organisation": "Test org", "password1": PASSWORD,
              "password2": PASSWORD, "language": "en", "privacy_notice": "on"}


def mail_jobs(callbacks):
    return [c.args[0] for c in callbacks if getattr(c, "func", None) is mail.enqueue]


def test_no_mail_goes_to_a_deactivated_accounts_address_and_the_inviter_cannot_tell(
        client, people, team, django_capture_on_commit_callbacks, mailoutbox):
    make_user("gone", is_active=False)
    client.force_login(people["lead"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/teams/{team.slug}/members/invite/",
                               {"role": "expert", "addresses": "Gone@Example.org, fresh@example.org"}, follow=True)
    assert "2 invitations sent." in page_text(response)
    gone = Invitation.objects.get(team=team, email="gone@example.org")
    fresh = Invitation.objects.get(team=team, email="fresh@example.org")
    assert gone.state == fresh.state == "pending"
    assert mail_jobs(callbacks) == [fresh.pk]
    assert mail.send_invitation(gone.pk) is False and mailoutbox == []
    Invitation.objects.update(sent_at=gone.sent_at - datetime.timedelta(hours=1))
    assert mail.lost_mails() == [fresh.pk]  # the sweep does not queue it either


def test_a_link_to_an_address_whose_account_is_deactivated_creates_no_second_account(client, people, team):
    invitation, path = invited_with_link(people["lead"], team, "later@example.org")
    later = make_user("later")
    later.is_active = False
    later.save()
    page = page_text(client.get(path))
    assert "Sign in with the account of the invited address" in page and "Create your account" not in page
    client.post(path, NEW_PERSON)
    assert list(User.objects.filter(email__iexact="later@example.org")) == [later]
    assert Invitation.objects.get(pk=invitation.pk).state == "pending"
    client.force_login(later)  # a deactivated account's session is no session
    client.post(path, {"decision": "accept"})
    assert not team.memberships.filter(user=later).exists()


def test_a_member_who_opens_an_address_invitation_resolves_it(client, people, team):
    invitation, path = invited_with_link(people["lead"], team, "expert@example.org")
    client.force_login(people["expert"])  # a member already
    response = client.post(path, {"decision": "accept"}, follow=True)
    assert "You are already a member of this team." in page_text(response)
    invitation.refresh_from_db()
    assert (invitation.state, invitation.answered_by, invitation.token_hash) == ("accepted", people["expert"], None)
    event = Event.objects.filter(team=team).latest("seq")
    assert (event.kind, event.actor) == ("invitation.resolved", people["expert"])
    assert team.memberships.get(user=people["expert"]).role == "expert"
    assert client.get(path).status_code == 404  # the link is used up
    client.force_login(people["lead"])
    assert "expert@example.org" not in page_text(client.get(f"/teams/{team.slug}/invitations/"))


@pytest.mark.parametrize("message", ["Preis: < 500 EUR, Dauer > 3 Monate", "a < b & c > d", "<<Pilot>>",
                                     "<b>fett</b>"])
def test_the_message_is_plain_text_with_any_angle_brackets_escaped_in_the_mail(client, people, team, message,
                                                                               mailoutbox):
    client.force_login(people["lead"])
    client.post(f"/teams/{team.slug}/members/invite/", {"role": "expert", "addresses": "ada@example.org",
                                                        "message": message})
    invitation = Invitation.objects.get(team=team, email="ada@example.org")
    assert invitation.message == message
    assert mail.send_invitation(invitation.pk)
    sent = mailoutbox[-1]
    html = sent.alternatives[0][0]
    assert message in sent.body and message not in html
    assert message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html


def test_the_throttle_says_one_minute_in_the_singular(client, people, team, settings):
    settings.INVITATION_RATE = (1, 60)  # a window of one minute: the wait is one minute
    client.force_login(people["lead"])
    client.cookies["django_language"] = "de"
    url = f"/teams/{team.slug}/members/invite/"
    assert client.post(url, {"addresses": "a@example.org", "role": "expert"}).status_code == 302
    refused = page_text(client.post(url, {"addresses": "b@example.org", "role": "expert"}))
    assert "(höchstens 1 in 1 Minute). Bitte versuchen Sie es in 1 Minute erneut." in refused
    with translation.override("en"):
        assert throttle.try_again(1) == "Please try again in 1 minute."
        assert throttle.try_again(3) == "Please try again in 3 minutes."


@pytest.mark.parametrize("data", [{"decision": "maybe"}, {}])
def test_a_bad_decision_on_my_teams_goes_back_there_with_a_message(client, people, team, data):
    colleague = make_user("colleague")
    invitation = invite(people["lead"], team, people=[colleague])[0]
    client.force_login(colleague)
    response = client.post(f"/my/invitations/{invitation.pk}/answer/", data)
    assert response.status_code == 302 and response["Location"] == "/my/"
    page = client.get("/my/")
    assert page.status_code == 200 and "Choose whether to accept or decline the invitation." in page_text(page)
    assert Invitation.objects.get(pk=invitation.pk).state == "pending"


def test_too_many_form_fields_get_the_sites_translated_400_page(client, people, team):
    client.force_login(people["lead"])
    client.cookies["django_language"] = "de"
    data = b"role=expert&" + b"&".join(b"people=%d" % n for n in range(1, 1101))
    response = client.post(f"/teams/{team.slug}/members/invite/", data=data,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    page = page_text(response)
    assert "Die Anfrage konnte nicht verarbeitet werden" in page and '<html lang="de">' in page
    assert 'href="/static/' in page or "/static/" in page  # the site's layout, not Django's bare page
    assert not Invitation.objects.exists()


def test_a_failed_csrf_check_gets_the_sites_translated_page(people, team):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["lead"])
    client.cookies["django_language"] = "de"
    response = client.post(f"/teams/{team.slug}/members/invite/", {"role": "expert", "addresses": "a@example.org"})
    assert response.status_code == 403
    page = page_text(response)
    assert "Das Formular ist abgelaufen" in page and '<html lang="de">' in page
    assert not Invitation.objects.exists()
