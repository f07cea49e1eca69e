"""Inviting (the inviter's side): one or several addresses and people with a role and a message, the mail in
the inviter's language with a link whose token is stored only as a hash, sending again and withdrawing,
the pending list on the team page, and bad input: refused with a clear message, nothing written, no mail."""
import hashlib
import re

import pytest
from django.core import mail as django_mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from teams import membership as membership_services
from teams.invitations import mail
from teams.invitations import services as invitation_services
from teams.invitations.forms import InvitationForm
from teams.invitations.models import Invitation
from teams.models import Event, Membership
from teams.notify.services import remember_language
from tests.conftest import make_user
from tests.foundation_helpers import db_state, page_text
from tests.invitation_helpers import invite, mailed_path
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db


def mail_jobs(callbacks):
    """The invitations whose mail job a transaction queued to run after its commit."""
    return [c.args[0] for c in callbacks if getattr(c, "func", None) is mail.enqueue]


def invite_url(team):
    return f"/teams/{team.slug}/members/invite/"


def test_a_lead_invites_addresses_and_a_person_over_http_and_nobody_is_a_member_yet(client, people, team,
                                                                                       django_capture_on_commit_callbacks):
    colleague = make_user("colleague")
    client.force_login(people["lead"])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(invite_url(team), {
            "addresses": "Ada@Example.org, grace@example.org\nada@example.org; <alan@example.org>",
            "people": [colleague.pk], "role": "expert", "message": "Wir brauchen Sie für FHIR."})
    assert response.status_code == 302 and response["Location"].endswith("#invitations")
    invitations = Invitation.objects.filter(team=team).order_by("pk")
    assert [(i.email, i.invitee_id) for i in invitations] == [
        ("ada@example.org", None), ("grace@example.org", None), ("alan@example.org", None), ("", colleague.pk)]
    assert {i.role for i in invitations} == {"expert"} and {i.invited_by_id for i in invitations} == {people["lead"].pk}
    assert all(i.state == "pending" and i.token_hash is None and i.message == "Wir brauchen Sie für FHIR."
               for i in invitations)
    assert mail_jobs(callbacks) == [i.pk for i in invitations]  # one mail job per invitation, after commit
    assert not Membership.objects.filter(team=team, user=colleague).exists()  # only after accepting
    events = list(Event.objects.filter(team=team, kind="invitation.sent").order_by("seq"))
    assert [e.data for e in events][-1] == {"invitation": invitations[3].pk, "role": "expert",
                                            "name": "Colleague Tester"}
    assert not any("@" in str(e.data) for e in events), "the event log (every member reads it) holds no address"
    page = page_text(client.get(f"/teams/{team.slug}/"))
    assert "4 invitations sent." in page
    assert all(address in page for address in ("ada@example.org", "grace@example.org", "alan@example.org"))


def test_the_mail_is_in_the_inviters_language_and_the_link_is_stored_only_as_a_hash(people, team):
    remember_language(people["lead"], language="de")
    invitation = invite(people["lead"], team, emails=["ada@example.org"], message="Bis Mittwoch!",
                        language=None)[0]
    assert invitation.language == "de"  # the inviter's, not the active one (English here)
    path = mailed_path(invitation)
    message = django_mail.outbox[-1]
    assert message.to == ["ada@example.org"]
    assert "lädt Sie" in message.subject and "Data Spaces" in message.subject
    assert "Lead Tester (Test org) lädt Sie" in message.body and "als Expert:in" in message.body
    assert "Bis Mittwoch!" in message.body
    html = message.alternatives[0][0] if message.alternatives else ""
    assert message.alternatives[0][1] == "text/html" and f'href="http://127.0.0.1:8000{path}"' in html
    token = re.fullmatch(r"/invitations/([A-Za-z0-9_-]+)/", path).group(1)
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = str(list(Invitation.objects.values())) + str(list(Event.objects.values()))
    assert token not in stored, "the token is nowhere at rest"
    assert not mail.send_invitation(invitation.pk), "a second run of the job (redelivery) sends nothing"
    assert len(django_mail.outbox) == 1


def test_the_link_starts_with_the_configured_site_url(people, team, settings):
    settings.SITE_URL = "https://teams.healthcapital.example"
    invitation = invite(people["lead"], team, emails=["ada@example.org"], language="en")[0]
    mailed_path(invitation)
    message = django_mail.outbox[-1]
    assert "https://teams.healthcapital.example/invitations/" in message.body
    with translation.override("en"):
        assert "Lead Tester (Test org) invites you" in message.body


def test_an_address_with_an_account_and_one_without_look_the_same_to_the_inviter(client, people, team):
    make_user("known")  # known@example.org has an account
    client.force_login(people["lead"])
    answers = []
    for address in ("known@example.org", "unknown@example.org"):
        response = client.post(invite_url(team), {"addresses": address, "role": "expert"}, follow=True)
        answers.append(page_text(response).count("1 invitation sent."))
    assert answers == [1, 1]
    rows = {i.email: i for i in Invitation.objects.filter(team=team)}
    assert rows["known@example.org"].invitee is None and rows["unknown@example.org"].invitee is None


def test_a_person_whose_join_request_is_open_is_enrolled_at_once(client, people, team):
    requester = make_user("requester")
    membership_services.request_to_join(requester, team, message="please")
    client.force_login(people["lead"])
    response = client.post(invite_url(team), {"people": [requester.pk], "role": "observer"}, follow=True)
    assert "Requester Tester had asked to join and are members now." in page_text(response)
    membership = Membership.objects.get(team=team, user=requester)
    assert membership.state == "active" and membership.role == "observer"
    assert not Invitation.objects.filter(team=team).exists()


def test_sending_again_makes_a_new_link_and_a_new_expiry_and_withdrawing_kills_it(client, people, team):
    invitation = invite(people["lead"], team, emails=["ada@example.org"])[0]
    old_path = mailed_path(invitation)
    old_expiry = Invitation.objects.get(pk=invitation.pk).expires_at
    client.force_login(people["supporter"])
    response = client.post(f"/teams/{team.slug}/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    fresh = Invitation.objects.get(pk=invitation.pk)
    assert fresh.token_hash is None and fresh.expires_at > old_expiry and fresh.invited_by == people["supporter"]
    new_path = mailed_path(fresh)
    assert new_path != old_path
    client.logout()
    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200
    client.force_login(people["lead"])
    assert client.post(f"/teams/{team.slug}/invitations/{invitation.pk}/revoke/").status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).state == "revoked"
    client.logout()
    assert client.get(new_path).status_code == 404
    kinds = list(Event.objects.filter(team=team, kind__startswith="invitation.").values_list("kind", flat=True))
    assert kinds == ["invitation.sent", "invitation.resent", "invitation.revoked"]
    client.force_login(people["lead"])
    again = client.post(f"/teams/{team.slug}/invitations/{invitation.pk}/revoke/", follow=True)
    assert "This invitation has been answered or withdrawn already." in page_text(again)


def test_another_teams_invitation_ids_are_404(client, people, team, make_team):
    other = make_team(name="Other team")
    invitation = invite(people["manager"], other, emails=["ada@example.org"])[0]
    client.force_login(people["manager"])
    before = db_state()
    for action in ("resend", "revoke"):
        assert client.post(f"/teams/{team.slug}/invitations/{invitation.pk}/{action}/").status_code == 404
    assert client.get(f"/teams/{team.slug}/invitations/999999/resend/").status_code == 405
    assert db_state() == before


# Bad input ---------------------------------------------------------------------------

HOSTILE = [
    ({"addresses": ", ".join(f"p{n}@example.org" for n in range(1000))},
     "Invite at most 50 people at once (these are 1000)."),
    ({"addresses": "ada@example.org, not an address"}, "These are not e-mail addresses: not, an, address"),
    ({"addresses": "ada@example.org, x@@y, <script>@x.org"}, "These are not e-mail addresses: x@@y, script"),
    ({"addresses": "a" * 300 + "@example.org"}, "This is not an e-mail address"),
    ({"addresses": "ada@example.org", "message": "m" * 2001},
     "Ensure this value has at most 2000 characters (it has 2001)."),
    ({"addresses": "ada@example.org", "message": "x" * 1_000_000},
     "Ensure this value has at most 2000 characters (it has 1000000)."),
    ({"addresses": "ada@example.org", "role": "boss"}, "Select a valid choice."),
    ({"addresses": "", "people": []}, "Choose people from the list or give e-mail addresses."),
]


@pytest.mark.parametrize("data, message", HOSTILE, ids=[m[:30] for _d, m in HOSTILE])
def test_hostile_input_gets_a_clear_error_writes_nothing_and_mails_nobody(client, people, team, data, message,
                                                                          django_capture_on_commit_callbacks):
    client.force_login(people["lead"])
    before = db_state()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(invite_url(team), {"role": "expert", **data})
    assert response.status_code == 200
    assert message in page_text(response)
    assert db_state() == before and mail_jobs(callbacks) == []


@pytest.mark.parametrize("field, value", [("message", "Hallo \ud800"), ("addresses", "ada@example.org \udfff")])
def test_a_lone_surrogate_is_refused_by_the_form_and_the_service(people, team, field, value):
    form = InvitationForm({"addresses": "ada@example.org", "role": "expert", field: value}, team=team)
    assert not form.is_valid()
    assert "The text is not valid Unicode (it holds a lone surrogate)." in str(form.errors[field])
    before = db_state()
    with pytest.raises(ValidationError):
        invitation_services.invite(people["lead"], team, role="expert",
                                   **({"message": value, "emails": ["ada@example.org"]} if field == "message"
                                      else {"emails": [value]}))
    assert db_state() == before


def test_the_service_refuses_what_the_form_would(people, team):
    lead = people["lead"]
    before = db_state()
    for arguments, expected in [
        ({"emails": [f"p{n}@example.org" for n in range(51)]}, "Invite at most 50 people at once (these are 51)."),
        ({"emails": ["ada@example.org"], "message": 42}, "The message must be text."),
        ({"emails": [None, "ada@example.org"]}, "This is not an e-mail address: None"),
        ({"people": [people["expert"]]}, "Already members: Expert Tester"),
        ({}, "Choose people from the list or give e-mail addresses."),
        ({"emails": ["ada@example.org"], "role": "boss"}, "Unknown role."),
    ]:
        with pytest.raises(ValidationError) as refused:
            invitation_services.invite(lead, team, **{"role": "expert", **arguments})
        assert expected in str(refused.value)
    with pytest.raises(PermissionDenied, match="Only a lead or cluster management can name a lead."):
        invitation_services.invite(people["supporter"], team, emails=["ada@example.org"], role="lead")
    assert db_state() == before


def test_an_address_already_invited_is_refused_and_the_inviter_is_told_to_send_again(client, people, team):
    invite(people["lead"], team, emails=["ada@example.org"])
    client.force_login(people["manager"])
    before = db_state()
    response = client.post(invite_url(team), {"addresses": "ADA@example.org, grace@example.org", "role": "expert"})
    assert "Already invited (send the invitation again from the list of pending invitations instead): " \
           "ada@example.org" in page_text(response)
    assert db_state() == before


def test_too_many_invitations_from_one_inviter_are_refused_with_429(client, people, team, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.INVITATION_RATE = (3, 3600)
    client.force_login(people["lead"])
    assert client.post(invite_url(team), {"addresses": "a@example.org, b@example.org", "role": "expert"}
                       ).status_code == 302
    before = db_state()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(invite_url(team), {"addresses": "c@example.org, d@example.org", "role": "expert"})
    assert response.status_code == 429
    assert "You have sent many invitations in a short time (at most 3 in 60 minutes)." in page_text(response)
    assert db_state() == before and mail_jobs(callbacks) == []
    invitation = Invitation.objects.filter(team=team).first()
    refused = client.post(f"/teams/{team.slug}/invitations/{invitation.pk}/resend/")
    assert refused.status_code == 429 and db_state() == before


def test_too_many_invitations_from_one_address_are_refused_too(client, people, team, settings):
    settings.INVITATION_IP_RATE = (2, 3600)
    client.force_login(people["lead"])
    assert client.post(invite_url(team), {"addresses": "a@example.org, b@example.org", "role": "expert"}
                       ).status_code == 302
    client.force_login(people["manager"])  # another inviter, the same address
    assert client.post(invite_url(team), {"addresses": "c@example.org", "role": "expert"}).status_code == 429


# The pending list ---------------------------------------------------------------------

@pytest.mark.parametrize("role, sees", [("lead", True), ("supporter", True), ("manager", True), ("expert", False),
                                        ("observer", False), ("field_manager", False), ("advisor", False),
                                        ("outsider", False)])
def test_only_those_who_may_invite_see_pending_addresses(client, people, team, role, sees):
    invite(people["lead"], team, emails=["secret.person@example.org"])
    client.force_login(people[role])
    page = page_text(client.get(f"/teams/{team.slug}/"))
    assert ("secret.person@example.org" in page) == sees
    assert ('id="invitations"' in page) == sees
    fragment = client.get(f"/teams/{team.slug}/invitations/")
    assert fragment.status_code == (200 if sees else 403)
    assert ("secret.person@example.org" in page_text(fragment)) == sees
    log = client.get(f"/teams/{team.slug}/events/")
    assert "secret.person" not in log.content.decode()


def test_the_team_page_reads_pending_invitations_in_constant_queries(client, people, team):
    client.force_login(people["lead"])

    def page_statements():
        return len(statements(lambda: client.get(f"/teams/{team.slug}/"))[1])

    invite(people["lead"], team, emails=["a0@example.org"], people=[make_user("p0")])
    small = page_statements()
    invite(people["lead"], team, emails=[f"a{n}@example.org" for n in range(1, 30)],
           people=[make_user(f"p{n}") for n in range(1, 10)])
    large = page_statements()
    assert_constant(small, large, budget=40)
    assert page_text(client.get(f"/teams/{team.slug}/")).count('data-invitation="') == 40
