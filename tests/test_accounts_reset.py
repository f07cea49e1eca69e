"""Password reset by e-mail (teams/accounts/reset.py): one answer for every address, the mail in the person's
language, throttled per client address and per typed address, and friends with django-axes' lockout.

Mail goes over real SMTP (`smtp_inbox`, aiosmtpd) where a test follows the link; the rest read Django's outbox.
"""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from teams.accounts.forms import PasswordResetForm
from teams.notify.models import MailPreference
from tests.conftest import make_user
from tests.mail_server import link_in, text_of

pytestmark = pytest.mark.django_db
SITE = "https://teams.healthcapital.example"  # settings.SITE_URL: mail links start so, whatever Host was asked


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE

NEW_PASSWORD = "Kanban-im-Herbst-2026"
RESET = "/password/reset/"
CSRF_TOKEN = re.compile(r"[A-Za-z0-9]{64}")  # masked anew for every page


def ask(client, email, ip="10.1.0.1", language="en"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE=language)


def answer(response, client):
    """What a person sees after asking: the status, where it leads and the text of that page."""
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    return response["Location"], page.status_code, CSRF_TOKEN.sub("", page.content.decode())


def test_the_login_page_links_to_the_reset_in_both_languages(client):
    assert 'href="/password/reset/">Forgot your password?</a>' in client.get("/login/").content.decode()
    german = client.get("/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'href="/password/reset/">Passwort vergessen?</a>' in german


def test_known_unknown_and_inactive_addresses_get_the_same_answer_and_only_the_active_person_a_mail(client):
    make_user("anna")
    make_user("otto", is_active=False)
    seen = {email: answer(ask(client, email, ip=f"10.1.0.{n}"), client)
            for n, email in enumerate(["anna@example.org", "nobody@example.org", "otto@example.org"])}
    assert len(set(seen.values())) == 1, "the answer must not tell which addresses have an account"
    location, status, page = seen["anna@example.org"]
    assert location == "/password/reset/sent/" and status == 200 and "Check your mail" in page
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]


def test_the_mail_is_in_the_language_the_person_chose_not_the_pages(client):
    anna = make_user("anna")
    MailPreference.objects.create(user=anna, language="de")
    ask(client, "ANNA@example.org", language="en")  # an English page, any case of the address
    (german,) = mail.outbox
    assert german.subject == "[Thementeams] Neues Passwort wählen"
    assert "Guten Tag Anna Tester," in german.body and "Ihr Anmeldename ist anna." in german.body
    make_user("bert")
    ask(client, "bert@example.org", language="de")  # no language stored: the default (English)
    assert mail.outbox[1].subject == "[Topic teams] Choose a new password"


@pytest.mark.parametrize("email", ["", "not an address", "a@b", "x" * 10_000 + "@example.org",
                                   "anna@example.org\x00", "anna@example.org, b@example.org"])
def test_a_malformed_address_is_a_clear_error_and_no_mail(client, email):
    make_user("anna")
    response = client.post(RESET, {"email": email})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not mail.outbox


def test_a_lone_surrogate_is_refused_by_the_form():
    """A browser cannot send one (UTF-8 has none); a client that builds the form data itself could."""
    form = PasswordResetForm(data={"email": "\ud800@example.org"})
    assert not form.is_valid()
    assert form.errors["email"]


def test_the_address_throttle_answers_429_in_the_page_language_the_same_for_known_and_unknown(client, settings):
    settings.PASSWORD_RESET_RATE_EMAIL = (3, 3600)
    make_user("anna")
    for email in ("anna@example.org", "nobody@example.org"):
        for n in range(3):
            assert ask(client, email, ip=f"10.2.{n}.1").status_code == 302
        refused = ask(client, email.upper(), ip="10.2.9.9")  # another client address, the same typed address
        assert refused.status_code == 429
    assert len(mail.outbox) == 3  # the three allowed requests for anna; nothing after
    page = refused.content.decode()
    assert re.search(r"Too many requests for a new password\. Please wait \d+ minutes? and try again\.", page)
    german = ask(client, "anna@example.org", ip="10.2.9.8", language="de")
    assert german.status_code == 429 and german.headers["Content-Language"] == "de"
    assert re.search(r"Zu viele Anfragen für ein neues Passwort\. Bitte warten Sie \d+ Minuten?",
                     german.content.decode())


def test_the_client_address_throttle_holds_across_addresses(client, settings):
    settings.PASSWORD_RESET_RATE_IP = (4, 600)
    make_user("anna")
    for n in range(4):
        assert ask(client, f"person{n}@example.org").status_code == 302
    response = ask(client, "anna@example.org")
    assert response.status_code == 429 and re.search(r"Please wait ([1-9]|10) minutes?", response.content.decode())
    assert not mail.outbox
    assert ask(client, "anna@example.org", ip="10.1.0.2").status_code == 302  # another client is not held up
    assert len(mail.outbox) == 1


def reset_link(inbox, address):
    return link_in(inbox.wait_for(address))


def test_the_link_from_the_received_mail_sets_a_password_that_logs_in(smtp_inbox):
    anna = make_user("anna")
    client = Client()
    ask(client, "anna@example.org")
    received = smtp_inbox.wait_for("anna@example.org")
    assert received["Subject"] == "[Topic teams] Choose a new password"
    assert "Your login name is anna. The link works once and for 24 hours." in text_of(received)
    link = link_in(received)
    assert link.startswith(SITE + "/password/reset/")
    path = link.removeprefix(SITE)
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    target = form_page.redirect_chain[-1][0]
    weak = client.post(target, {"new_password1": "12345", "new_password2": "12345"})
    assert weak.status_code == 200 and "This password is too short." in weak.content.decode()
    done = client.post(target, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/password/reset/done/"
    assert client.post("/login/", {"username": "anna", "password": NEW_PASSWORD}).status_code == 302
    anna.refresh_from_db()
    assert anna.check_password(NEW_PASSWORD)
    again = Client().get(path, follow=True)  # used once: the link is dead
    assert "This link no longer works" in again.content.decode()


def test_a_link_stops_working_when_the_person_is_deactivated(smtp_inbox):
    anna = make_user("anna")
    ask(Client(), "anna@example.org")
    path = reset_link(smtp_inbox, "anna@example.org").removeprefix(SITE)
    get_user_model().objects.filter(pk=anna.pk).update(is_active=False)
    page = Client().get(path, follow=True).content.decode()
    assert "This link no longer works" in page and 'name="new_password1"' not in page


def test_a_newer_link_leaves_the_older_working_and_signing_in_ends_both_as_the_page_says(smtp_inbox):
    make_user("anna")
    ask(Client(), "anna@example.org")
    ask(Client(), "anna@example.org")
    older = link_in(smtp_inbox.wait_for("anna@example.org")).removeprefix(SITE)
    newer = link_in(smtp_inbox.wait_for("anna@example.org", count=2)).removeprefix(SITE)
    assert 'name="new_password1"' in Client().get(older, follow=True).content.decode()  # not replaced
    assert Client().post("/login/", {"username": "anna", "password": "pw"}).status_code == 302
    for path in (older, newer):
        page = Client().get(path, follow=True).content.decode()
        assert "This link no longer works" in page and 'name="new_password1"' not in page
        assert "or you have signed in or changed your password since it was sent." in page
        assert "newer link" not in page


def lock_out(client, username, ip):
    for _ in range(5):
        client.post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)


def test_a_lockout_says_so_in_german_and_a_new_password_ends_it(client, smtp_inbox):
    make_user("anna")
    lock_out(client, "anna", "10.3.0.1")
    locked = client.post("/login/", {"username": "anna", "password": "pw"}, REMOTE_ADDR="10.3.0.1",
                         HTTP_ACCEPT_LANGUAGE="de")
    page = locked.content.decode()
    assert locked.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche für diesen Namen von Ihrer Adresse." in page
    assert 'href="/password/reset/">Passwort vergessen?</a>' in page  # the way out is on the page
    ask(client, "anna@example.org", ip="10.3.0.1")
    path = reset_link(smtp_inbox, "anna@example.org").removeprefix(SITE)
    target = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(target, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, REMOTE_ADDR="10.3.0.1")
    signed_in = client.post("/login/", {"username": "anna", "password": NEW_PASSWORD}, REMOTE_ADDR="10.3.0.1")
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(
        get_user_model().objects.get(username="anna").pk)


def test_a_reset_ends_the_persons_other_sessions(client, smtp_inbox):
    anna = make_user("anna")
    elsewhere = Client()
    elsewhere.force_login(anna)
    assert elsewhere.get("/my/").status_code == 200
    ask(client, "anna@example.org")
    path = reset_link(smtp_inbox, "anna@example.org").removeprefix(SITE)
    target = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(target, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert elsewhere.get("/my/")["Location"].startswith("/login/")


def test_the_pages_are_german_for_a_german_browser(client):
    for path, words in [(RESET, ["Passwort vergessen?", "Link senden"]),
                        ("/password/reset/sent/", ["Prüfen Sie Ihr Postfach", "24 Stunden"]),
                        ("/password/reset/MQ/invalid-token/", ["Dieser Link funktioniert nicht mehr"]),
                        ("/password/reset/done/", ["Ihr Passwort ist geändert"])]:
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        assert '<html lang="de">' in page
        for word in words:
            assert word in page, (path, word)
