"""The account page (/account/): name, e-mail (confirmed from the new address, the old one told), password and
language, each through its service or Django's form; hostile input is a clear error and writes nothing."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from teams.accounts import services
from teams.accounts.models import EmailChange
from teams.notify.models import MailPreference
from tests.conftest import make_user
from tests.mail_server import link_in, text_of

pytestmark = pytest.mark.django_db
SITE = "https://teams.healthcapital.example"  # settings.SITE_URL: mail links start so, whatever Host was asked


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE

User = get_user_model()
NEW_PASSWORD = "Pflegenetz-Lausitz-2026"
CONFIRM = re.compile(r"https://teams\.healthcapital\.example(/account/email/confirm/[^/\s]+/)")


# The mails go once the change has committed (transaction.on_commit): the tests that read them commit for real.
mails_after_commit = pytest.mark.django_db(transaction=True)


@pytest.fixture
def anna(client):
    user = make_user("anna")
    client.force_login(user)
    return user


def account_row(user):
    return User.objects.filter(pk=user.pk).values("first_name", "last_name", "email", "password").get()


def test_the_header_links_to_the_account_page_and_it_needs_a_login(client, anna):
    page = client.get("/my/").content.decode()
    assert 'href="/account/"' in page and ">Anna Tester</a>" in page
    response = client.get("/account/")
    assert response.status_code == 200
    html = response.content.decode()
    for section in ('id="name"', 'id="email"', 'id="password"', 'id="language"'):
        assert section in html
    assert "Your login name is anna." in html
    assert Client().get("/account/")["Location"].startswith("/login/")
    german = client.get("/account/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Ihr Konto" in german and "Passwort ändern" in german and "Altes Passwort" in german


def test_the_name_is_changed(client, anna):
    response = client.post("/account/name/", {"first_name": " Anna-Lena ", "last_name": "Öztürk"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    anna.refresh_from_db()
    assert (anna.first_name, anna.last_name) == ("Anna-Lena", "Öztürk")


@pytest.mark.parametrize("fields, message", [
    ({"first_name": "x" * 10_000, "last_name": "T"}, "Ensure this value has at most 150 characters"),
    ({"first_name": "", "last_name": "  "}, "Please give your name."),
    ({"first_name": "A\x00nna", "last_name": "T"}, "Null characters are not allowed."),
    ({"first_name": ["a", "b" * 200], "last_name": "T"}, "Ensure this value has at most 150 characters"),
])
def test_a_bad_name_is_a_clear_error_and_nothing_is_written(client, anna, fields, message):
    before = account_row(anna)
    response = client.post("/account/name/", fields)
    assert response.status_code == 200 and message in response.content.decode()
    assert account_row(anna) == before


@pytest.mark.parametrize("first_name", ["\ud800", "Anna\udfff", 7, None, ["Anna"], "x" * 151])
def test_the_name_service_refuses_what_no_form_would_send(anna, first_name):
    before = account_row(anna)
    with pytest.raises(ValidationError) as refused:
        services.update_name(anna, anna, first_name=first_name, last_name="Tester")
    assert "first_name" in refused.value.message_dict
    assert account_row(anna) == before


def test_nobody_changes_someone_elses_account(anna, people):
    for actor in (people["manager"], people["expert"]):
        with pytest.raises(PermissionDenied):
            services.update_name(actor, anna, first_name="X", last_name="Y")
        with pytest.raises(PermissionDenied):
            services.set_language(actor, anna, language="de")
    anna.refresh_from_db()
    assert anna.first_name == "Anna"


# E-mail ---------------------------------------------------------------------------------------------------------

def ask_for(client, email, password="pw"):
    return client.post("/account/email/", {"email": email, "password": password})


def confirm_path(message_body):
    return CONFIRM.search(message_body).group(1)


@mails_after_commit
def test_a_new_address_is_confirmed_from_a_received_mail_and_the_old_one_is_told(client, anna, smtp_inbox):
    MailPreference.objects.create(user=anna, language="de")
    response = ask_for(client, "Anna.Neu@Example.ORG")
    assert response.status_code == 302
    page = client.get("/account/").content.decode()
    assert "We sent a link to Anna.Neu@example.org." in page and 'id="pending-email"' in page
    anna.refresh_from_db()
    assert anna.email == "anna@example.org"  # unchanged until confirmed

    received = smtp_inbox.wait_for("anna.neu@example.org")
    assert received["Subject"].strip() == "[Thementeams] Bestätigen Sie Ihre neue E-Mail-Adresse"  # her language
    link = link_in(received)
    path = link.removeprefix(SITE)
    stranger = Client()  # the link works from any browser: it is the proof of the mailbox
    shown = stranger.get(path)
    assert shown.status_code == 200 and "Anna.Neu@example.org" in shown.content.decode()
    anna.refresh_from_db()
    assert anna.email == "anna@example.org"  # a GET (a mail scanner opening links) changes nothing
    assert stranger.post(path)["Location"] == "/login/"
    anna.refresh_from_db()
    assert anna.email == "Anna.Neu@example.org"

    told = smtp_inbox.wait_for("anna@example.org")
    assert told["Subject"].strip() == "[Thementeams] Ihre E-Mail-Adresse wurde geändert"
    assert "jetzt Anna.Neu@example.org" in " ".join(text_of(told).split())

    again = stranger.post(path)  # single use
    assert again.status_code == 400 and "invalid or has expired" in again.content.decode()
    assert "pending-email" not in client.get("/account/").content.decode()


@mails_after_commit
def test_only_the_latest_link_works_and_an_expired_one_does_not(client, anna, settings):
    ask_for(client, "first@example.org")
    ask_for(client, "second@example.org")
    first, second = (confirm_path(m.body) for m in mail.outbox)
    assert client.post(first).status_code == 400
    settings.EMAIL_CHANGE_MAX_AGE = 0
    assert client.post(second).status_code == 400
    anna.refresh_from_db()
    assert anna.email == "anna@example.org"
    settings.EMAIL_CHANGE_MAX_AGE = 3600
    assert client.post(second).status_code == 302
    anna.refresh_from_db()
    assert anna.email == "second@example.org"


@pytest.mark.parametrize("token", ["", "junk", "1:abc:def", "x" * 5000, "MQ:1tA0aa:" + "A" * 43])
def test_a_broken_link_is_a_clear_page(client, anna, token):
    response = client.get(f"/account/email/confirm/{token}/") if token else client.get("/account/email/confirm//")
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "invalid or has expired" in response.content.decode()
    assert client.post(f"/account/email/confirm/{token or 'x'}/").status_code == 400


@pytest.mark.parametrize("fields, message", [
    ({"email": "new@example.org", "password": "wrong"}, "That is not your current password."),
    ({"email": "not an address", "password": "pw"}, "Enter a valid email address."),
    ({"email": "x" * 10_000 + "@example.org", "password": "pw"}, "at most 254 characters"),
    ({"email": "anna@example.org", "password": "pw"}, "That is already your address."),
    ({"email": "bert@example.org", "password": "pw"}, "Another account uses this address."),
    ({"email": "", "password": ""}, "This field is required."),
])
def test_a_refused_address_change_writes_and_sends_nothing(client, anna, fields, message):
    make_user("bert")
    response = ask_for(client, **fields)
    assert response.status_code == 200 and message in response.content.decode()
    assert not EmailChange.objects.exists() and not mail.outbox


@mails_after_commit
def test_address_changes_are_throttled_per_person(client, anna, settings):
    settings.EMAIL_CHANGE_RATE = (2, 3600)
    assert ask_for(client, "a1@example.org").status_code == 302
    assert ask_for(client, "a2@example.org").status_code == 302
    refused = ask_for(client, "a3@example.org")
    assert refused.status_code == 200 and "Too many address changes." in refused.content.decode()
    assert EmailChange.objects.count() == 2 and len(mail.outbox) == 2


@mails_after_commit
def test_a_deactivated_person_cannot_confirm(client, anna):
    ask_for(client, "new@example.org")
    path = confirm_path(mail.outbox[0].body)
    User.objects.filter(pk=anna.pk).update(is_active=False)
    assert Client().post(path).status_code == 400
    assert User.objects.get(pk=anna.pk).email == "anna@example.org"


@mails_after_commit
def test_someone_else_claiming_the_address_meanwhile_stops_the_change(client, anna):
    ask_for(client, "shared@example.org")
    path = confirm_path(mail.outbox[0].body)
    bert = make_user("bert")
    User.objects.filter(pk=bert.pk).update(email="SHARED@example.org")
    response = client.post(path)
    assert response.status_code == 400 and "Another account uses this address." in response.content.decode()
    assert User.objects.get(pk=anna.pk).email == "anna@example.org"


# Password --------------------------------------------------------------------------------------------------------

def test_a_password_change_keeps_this_session_and_ends_the_others(client, anna):
    elsewhere = Client()
    elsewhere.force_login(anna)
    response = client.post("/account/password/", {"old_password": "pw", "new_password1": NEW_PASSWORD,
                                                   "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/my/").status_code == 200
    assert elsewhere.get("/my/")["Location"].startswith("/login/")
    assert Client().login(username="anna", password=NEW_PASSWORD)


@pytest.mark.parametrize("fields, message", [
    ({"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
     "Your old password was entered incorrectly."),
    ({"old_password": "pw", "new_password1": "short", "new_password2": "short"}, "This password is too short."),
    ({"old_password": "pw", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
     "The two password fields"),
    ({"old_password": "pw", "new_password1": "1234567890123", "new_password2": "1234567890123"},
     "This password is entirely numeric."),
])
def test_a_refused_password_change_writes_nothing(client, anna, fields, message):
    before = account_row(anna)
    response = client.post("/account/password/", fields)
    assert response.status_code == 200 and message in response.content.decode()
    assert account_row(anna) == before


# Language --------------------------------------------------------------------------------------------------------

def test_the_language_is_kept_on_the_person_for_their_next_login_and_their_mails(client, anna):
    response = client.post("/account/language/", {"language": "de"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "de"
    assert MailPreference.objects.get(user=anna).language == "de"
    fresh = Client()  # another device with an English browser: the login switches to German
    login = fresh.post("/login/", {"username": "anna", "password": "pw"}, HTTP_ACCEPT_LANGUAGE="en")
    assert login.cookies["django_language"].value == "de"
    assert '<html lang="de">' in fresh.get("/my/").content.decode()
    fresh.post("/password/reset/", {"email": "anna@example.org"}, HTTP_ACCEPT_LANGUAGE="en")
    assert mail.outbox[-1].subject == "[Thementeams] Neues Passwort wählen"


@pytest.mark.parametrize("language", ["fr", "", "de-x-" + "a" * 5000, ["de", "fr"]])
def test_an_unknown_language_is_refused(client, anna, language):
    response = client.post("/account/language/", {"language": language})
    if language == ["de", "fr"]:  # the last value counts: "fr"
        language = "fr"
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not MailPreference.objects.filter(user=anna, language=language).exists()
    assert not MailPreference.objects.exclude(language="").filter(user=anna).exists()


def test_password_change_attempts_are_throttled_per_person(client, anna, settings):
    """django-axes counts logins only: a borrowed session must not guess the password on the account page."""
    settings.PASSWORD_CHANGE_RATE = (3, 3600)
    for _ in range(3):
        client.post("/account/password/", {"old_password": "guess", "new_password1": NEW_PASSWORD,
                                           "new_password2": NEW_PASSWORD})
    before = account_row(anna)
    response = client.post("/account/password/", {"old_password": "pw", "new_password1": NEW_PASSWORD,
                                                  "new_password2": NEW_PASSWORD})
    assert response.status_code == 200 and "Too many attempts." in response.content.decode()
    assert account_row(anna) == before


def test_wrong_passwords_in_the_address_form_count_against_its_limit(client, anna, settings):
    settings.EMAIL_CHANGE_RATE = (2, 3600)
    for _ in range(2):
        assert "That is not your current password." in ask_for(client, "new@example.org", "guess").content.decode()
    refused = ask_for(client, "new@example.org")
    assert "Too many address changes." in refused.content.decode()
    assert not EmailChange.objects.exists()
