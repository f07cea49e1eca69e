"""The invited person's side: a new person creates their account from the link and lands on the team's
board; an existing account accepts or declines (membership only after accepting); a link opened while
signed in as someone else says so; expired, withdrawn, used, unknown and malformed links all get the same
page; the link page is throttled per client address."""
import logging

import pytest
from django.contrib.auth.models import User
from django.core import mail as django_mail

from realtime.server import Server
from teams import membership as membership_services
from teams import services
from teams.invitations import answers
from teams.invitations import services as invitation_services
from teams.invitations.forms import NewPersonForm
from teams.invitations.models import Invitation
from teams.models import Event, Membership
from teams.notify.models import MailPreference
from teams.people.models import Organisation
from tests.conftest import make_user
from tests.foundation_helpers import db_state, page_text
from tests.invitation_helpers import expire_now, invite, invited_with_link, mailed_path, main_part
from workspace.redact import RedactLinks, redact

pytestmark = pytest.mark.django_db

NOT_VALID = "This invitation link cannot be used"
GOOD_PASSWORD = "Pflege-Netz 2026!"


def new_person(**overrides):
    data = {"first_name": "Katrin", "last_name": "Lange", "organisation": "Klinikum Potsdam", "sector": "care",
            "location": "brandenburg", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "language": "de",
            "privacy_notice": "on"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# A new person -------------------------------------------------------------------------

def test_a_new_person_creates_the_account_and_lands_on_the_board_signed_in(client, people, team):
    invitation, path = invited_with_link(people["lead"], team, "Katrin.Lange@Klinikum.example",
                                         role="observer", message="Willkommen!")
    page = client.get(path)
    assert page.status_code == 200 and "Create your account" in page_text(page) and "Willkommen!" in page_text(page)
    assert "katrin.lange@klinikum.example" in page_text(page)  # the address the account is for
    response = client.post(path, new_person())
    assert response.status_code == 302 and response["Location"] == f"/teams/{team.slug}/board/"
    user = User.objects.get(email="katrin.lange@klinikum.example")
    assert (user.username, user.get_full_name()) == ("katrin.lange", "Katrin Lange")  # from the name, not the address
    assert "Benutzernamen katrin.lange " in page_text(client.get(response["Location"]))  # told once, in German
    assert user.check_password(GOOD_PASSWORD)
    organisation = user.profile.organisation
    assert (organisation.name, organisation.sector, organisation.location) == ("Klinikum Potsdam", "care",
                                                                               "brandenburg")
    assert MailPreference.objects.get(user=user).language == "de"
    assert response.cookies["django_language"].value == "de"
    membership = Membership.objects.get(team=team, user=user)
    assert membership.state == "active" and membership.role == "observer"
    assert Invitation.objects.get(pk=invitation.pk).state == "accepted"
    event = Event.objects.filter(team=team).latest("seq")
    assert event.kind == "invitation.accepted" and event.actor == user and event.data["role"] == "observer"
    board = client.get(response["Location"])  # signed in, and a member: the board opens, in German
    assert board.status_code == 200 and '<html lang="de">' in page_text(board)
    client.logout()
    assert client.get(path).status_code == 404  # single use


def test_a_new_person_joins_an_existing_organisation_whatever_its_spelling(client, people, team):
    existing = Organisation.objects.create(name="Charité Berlin", sector="care", location="berlin")
    _invitation, path = invited_with_link(people["lead"], team, "ada@example.org")
    response = client.post(path, new_person(organisation="  charité   berlin ", sector="", location=""))
    assert response.status_code == 302
    assert User.objects.get(email="ada@example.org").profile.organisation == existing


@pytest.mark.parametrize("overrides, message", [
    ({"password2": "something else"}, "The two passwords differ."),
    ({"privacy_notice": None}, "This field is required."),
    ({"password1": "12345678", "password2": "12345678"}, "This password is too common."),
    ({"password1": "katrinlange", "password2": "katrinlange"}, "The password is too similar to the"),
    ({"password1": "kurz", "password2": "kurz"}, "This password is too short."),
    ({"first_name": "  "}, "This field is required."),
    ({"organisation": "Neue Praxis GmbH", "sector": ""}, "Say what kind of organisation it is (it is new here)."),
    ({"organisation": "Neue Praxis GmbH", "location": ""}, "Say where the organisation is (it is new here)."),
    ({"organisation": "x" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
    ({"last_name": "<script>alert(1)</script>"}, "HTML tags are not allowed here."),
    ({"language": "fr"}, "Select a valid choice."),
])
def test_the_new_persons_form_says_what_is_wrong_and_writes_nothing(client, people, team, overrides, message):
    _invitation, path = invited_with_link(people["lead"], team, "ada@example.org")
    before = (db_state(), User.objects.count(), Organisation.objects.count())
    response = client.post(path, new_person(**overrides))
    assert response.status_code == 200
    assert message in page_text(response)
    assert (db_state(), User.objects.count(), Organisation.objects.count()) == before
    assert "<script>alert(1)</script>" not in page_text(response)


def test_a_lone_surrogate_in_the_new_persons_name_is_refused(people, team):
    form = NewPersonForm(new_person(first_name="Ka\ud800trin"), email="ada@example.org")
    assert not form.is_valid()
    assert "lone surrogate" in str(form.errors["first_name"])


def test_when_an_account_appears_for_the_address_the_link_asks_to_sign_in(client, people, team):
    _invitation, path = invited_with_link(people["lead"], team, "ada@example.org")
    make_user("ada")  # ada@example.org: created meanwhile (by cluster management, say)
    page = client.get(path)
    assert "Sign in with the account of the invited address to answer." in page_text(page)
    users = User.objects.count()
    response = client.post(path, new_person())
    assert response.status_code == 200 and User.objects.count() == users


def test_a_new_persons_link_opened_while_signed_in_says_so(client, people, team):
    _invitation, path = invited_with_link(people["lead"], team, "ada@example.org")
    client.force_login(people["outsider"])
    page = page_text(client.get(path))
    assert "This invitation is for a new account: you are signed in as Outsider Tester." in page
    assert 'action="/logout/"' in page and f'name="next" value="{path}"' in page
    response = client.post(path, new_person())
    assert response.status_code == 200 and not User.objects.filter(email="ada@example.org").exists()


# An existing account ------------------------------------------------------------------

def test_an_existing_account_accepts_and_is_a_member_only_then(client, people, team):
    katrin = make_user("katrin")
    katrin.email = "Katrin@Example.ORG"
    katrin.save()
    invitation, path = invited_with_link(people["lead"], team, "katrin@example.org")
    page = page_text(client.get(path))
    assert "Sign in with the account of the invited address to answer." in page
    assert f'href="/login/?next={path}"' in page
    client.force_login(katrin)
    assert not Membership.objects.filter(team=team, user=katrin).exists()
    assert client.get(f"/teams/{team.slug}/board/").status_code == 404
    page = page_text(client.get(path))
    assert 'value="accept"' in page and 'value="decline"' in page
    response = client.post(path, {"decision": "accept"})
    assert response.status_code == 302 and response["Location"] == f"/teams/{team.slug}/board/"
    assert Membership.objects.get(team=team, user=katrin).state == "active"
    assert Invitation.objects.get(pk=invitation.pk).answered_by == katrin
    assert client.get(f"/teams/{team.slug}/board/").status_code == 200
    assert client.get(path).status_code == 404


def test_an_existing_account_declines_and_is_no_member(client, people, team):
    katrin = make_user("katrin")
    invitation, path = invited_with_link(people["lead"], team, "katrin@example.org")
    client.force_login(katrin)
    response = client.post(path, {"decision": "decline"}, follow=True)
    assert "You declined the invitation to “Data Spaces”." in page_text(response)
    assert not Membership.objects.filter(team=team, user=katrin).exists()
    assert Invitation.objects.get(pk=invitation.pk).state == "declined"
    event = Event.objects.filter(team=team).latest("seq")
    assert (event.kind, event.actor) == ("invitation.declined", katrin)
    assert client.post(path, {"decision": "accept"}).status_code == 404


def test_a_link_opened_as_someone_else_says_so_and_changes_nothing(client, people, team):
    make_user("katrin")
    _invitation, path = invited_with_link(people["lead"], team, "katrin@example.org")
    client.force_login(people["outsider"])
    before = db_state()
    page = page_text(client.get(path))
    assert "This invitation is for another account: you are signed in as Outsider Tester." in page
    assert 'value="accept"' not in page
    assert client.post(path, {"decision": "accept"}).status_code == 200
    assert db_state() == before


def test_a_bad_decision_is_refused_with_a_message(client, people, team):
    katrin = make_user("katrin")
    _invitation, path = invited_with_link(people["lead"], team, "katrin@example.org")
    client.force_login(katrin)
    before = db_state()
    response = client.post(path, {"decision": "<script>"}, follow=True)
    assert "Choose whether to accept or decline the invitation." in page_text(response)
    assert db_state() == before


def test_accepting_answers_an_open_join_request_and_an_active_member_is_told(client, people, team):
    requester = make_user("requester")
    membership_services.request_to_join(requester, team, message="please")
    _invitation, path = invited_with_link(people["lead"], team, "requester@example.org", role="observer")
    client.force_login(requester)
    client.post(path, {"decision": "accept"})
    assert Membership.objects.get(team=team, user=requester).role == "observer"
    _invitation, path = invited_with_link(people["lead"], team, "expert@example.org")
    client.force_login(people["expert"])
    response = client.post(path, {"decision": "accept"}, follow=True)
    assert "You are already a member of this team." in page_text(response)


def test_a_person_picked_from_the_list_answers_on_my_teams(client, people, team):
    colleague = make_user("colleague")
    invitation = invite(people["lead"], team, people=[colleague], message="Join us")[0]
    client.force_login(colleague)
    page = page_text(client.get("/my/"))
    assert "Invitations for you" in page and "Data Spaces" in page and "Join us" in page
    client.force_login(people["outsider"])  # somebody else's invitation: not theirs to answer
    assert client.post(f"/my/invitations/{invitation.pk}/answer/", {"decision": "accept"}).status_code == 404
    client.force_login(colleague)
    response = client.post(f"/my/invitations/{invitation.pk}/answer/", {"decision": "accept"})
    assert response["Location"] == f"/teams/{team.slug}/board/"
    assert Membership.objects.get(team=team, user=colleague).state == "active"
    assert "Invitations for you" not in page_text(client.get("/my/"))


def test_a_picked_persons_mail_goes_to_their_account_and_only_they_may_use_it(client, people, team):
    colleague = make_user("colleague")
    invitation = invite(people["lead"], team, people=[colleague])[0]
    path = mailed_path(invitation)
    assert django_mail.outbox[-1].to == ["colleague@example.org"]
    other = make_user("other")
    other.email = "colleague@example.org"  # the same address on another account does not make it theirs
    other.save()
    client.force_login(other)
    assert "This invitation is for another account" in page_text(client.get(path))


# Links that cannot be used ------------------------------------------------------------

def test_expired_withdrawn_used_unknown_and_malformed_links_look_the_same(client, people, team):
    lead = people["lead"]
    expired, expired_path = invited_with_link(lead, team, "a@example.org")
    expire_now(expired)
    revoked, revoked_path = invited_with_link(lead, team, "b@example.org")
    invitation_services.revoke(lead, revoked)
    _used, used_path = invited_with_link(lead, team, "c@example.org")
    assert client.post(used_path, new_person()).status_code == 302
    client.logout()
    paths = [expired_path, revoked_path, used_path, "/invitations/" + "A" * 43 + "/", "/invitations/short/",
             "/invitations/%F0%9F%92%A9" + "x" * 30 + "/", "/invitations/" + "x" * 5000 + "/"]
    responses = [client.get(path) for path in paths]
    assert {r.status_code for r in responses} == {404}
    bodies = {main_part(r) for r in responses}
    assert len(bodies) == 1 and NOT_VALID in bodies.pop()
    assert client.post(revoked_path, new_person()).status_code == 404
    assert not User.objects.filter(email__in=["a@example.org", "b@example.org"]).exists()
    assert Invitation.objects.get(pk=expired.pk).state == "expired"
    assert list(Event.objects.filter(team=team, kind="invitation.expired").values_list("data", flat=True)) == [
        {"invitation": expired.pk, "role": "expert", "name": ""}]
    client.get(expired_path)  # expired once: one event
    assert Event.objects.filter(team=team, kind="invitation.expired").count() == 1


def test_a_link_to_a_team_that_has_ended_cannot_be_used(client, people, team):
    _invitation, path = invited_with_link(people["lead"], team, "ada@example.org")
    services.conclude_team(people["manager"], team)
    assert NOT_VALID in page_text(client.get(path))


def test_an_accepted_invitation_cannot_be_answered_again_by_the_service(people, team):
    katrin = make_user("katrin")
    invitation, _path = invited_with_link(people["lead"], team, "katrin@example.org")
    answers.accept(katrin, invitation)
    with pytest.raises(answers.NotValid):
        answers.decline(katrin, invitation)


def test_the_link_page_is_throttled_per_client_address(client, people, team, settings):
    settings.INVITATION_OPEN_RATE = (3, 600)
    _invitation, path = invited_with_link(people["lead"], team, "ada@example.org")
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.post(path, new_person())
    assert refused.status_code == 429
    assert "Too many requests for invitation links from your address." in page_text(refused)
    assert not User.objects.filter(email="ada@example.org").exists()
    assert client.get("/invitations/" + "B" * 43 + "/", REMOTE_ADDR="10.0.0.7").status_code == 404  # another address


def test_the_user_name_is_made_from_the_name_folded_to_ascii_and_never_taken_twice(db):
    make_user("clara.neumann")
    assert answers.username_for("Clara", "Neumann") == "clara.neumann2"
    assert answers.username_for("Jürgen  Peter", "Weiß-O'Brien") == "jurgen.peter.weiss-obrien"
    assert answers.username_for("Łukasz", "Søndergård") == "lukasz.sondergard"
    assert answers.username_for("李", "王") == "member"


def test_no_address_is_shown_where_a_user_name_is(client, people, team):
    """The user name appears in directory links and on the team page to every signed-in person."""
    _invitation, path = invited_with_link(people["lead"], team, "clara@privat.example")
    client.post(path, new_person(first_name="Clara", last_name="Neumann"))
    user = User.objects.get(email="clara@privat.example")
    assert user.username == "clara.neumann"
    client.force_login(people["outsider"])
    for page in (f"/teams/{team.slug}/", "/people/"):
        text = page_text(client.get(page))
        assert "clara.neumann" in text and "clara@privat.example" not in text, page


def test_logs_name_an_invitation_link_without_its_token(settings):
    token = "wdOuIeZ0Yc551svZVa34ximkP8EkQxVck9GxDAouj5U"
    seen = []
    Server(application=None, endpoints=["tcp:port=0"],
           action_logger=lambda protocol, action, details: seen.append(details["path"])).log_action(
        None, "http.complete", {"path": f"/invitations/{token}/", "status": 200})
    assert seen == ["/invitations/…/"]  # daphne's access log
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s: %s",
                               ("Not Found", f"/invitations/{token}/"), None)
    assert RedactLinks().filter(record) and record.getMessage() == "Not Found: /invitations/…/"
    assert "redact_links" in settings.LOGGING["handlers"]["console"]["filters"]  # every record the servers log
    for path in ("/teams/data-spaces/invitations/12/resend/", "/my/invitations/3/answer/",
                 "/teams/data-spaces/invitations/"):
        assert redact(path) == path
