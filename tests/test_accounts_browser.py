"""Real Chromium against a live daphne that sends its mail over real SMTP (aiosmtpd, tests/mail_server.py): a person
who forgot their password asks for a link on the login page, opens the link from the mail that arrived, sets a new
password and logs in with it, in German and in English; and the account page's password change keeps its own
window signed in while another browser is signed out."""
import pytest
from django.db import connection

from teams.notify.models import MailPreference
from tests.conftest import Daphne, make_user
from tests.mail_server import link_in, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Versorgung-Brandenburg-2026"
TEXT = {  # what the person reads, per language
    "en": {"forgot": "Forgot your password?", "send": "Send the link", "sent": "Check your mail",
           "subject": "[Topic teams] Choose a new password", "greeting": "Hello Anna Tester,",
           "save": "Save the new password", "done": "Your password is changed", "login": "Log in"},
    "de": {"forgot": "Passwort vergessen?", "send": "Link senden", "sent": "Prüfen Sie Ihr Postfach",
           "subject": "[Thementeams] Neues Passwort wählen", "greeting": "Guten Tag Anna Tester,",
           "save": "Neues Passwort speichern", "done": "Ihr Passwort ist geändert", "login": "Anmelden"},
}


@pytest.fixture
def mail_daphne(transactional_db, smtp_inbox):
    """A daphne process whose mail goes to the test's SMTP server."""
    connection.close()  # let the server open the database itself
    server = Daphne(extra_env=smtp_inbox.env)
    yield server
    server.stop()


@pytest.fixture
def browser_page(chromium):
    contexts = []

    def open_page(language):
        context = chromium.new_context(locale=language, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_forgotten_password_is_reset_from_the_received_mail(mail_daphne, smtp_inbox, browser_page, language):
    from playwright.sync_api import expect

    words = TEXT[language]
    anna = make_user("anna")
    MailPreference.objects.create(user=anna, language=language)
    page = browser_page(language)
    page.goto(f"{mail_daphne.url}/login/")
    page.get_by_role("link", name=words["forgot"]).click()
    page.fill("input[name=email]", "anna@example.org")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator("h1")).to_have_text(words["sent"])

    mail = smtp_inbox.wait_for("anna@example.org")
    assert mail["Subject"].strip() == words["subject"]  # (Django may fold a long encoded subject)
    assert words["greeting"] in text_of(mail)
    link = link_in(mail)
    assert link.startswith(f"{mail_daphne.url}/password/reset/")

    page.goto(link)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("h1")).to_have_text(words["done"])

    page.locator("#reset-complete").get_by_role("link", name=words["login"]).click()
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", "pw")  # the old one no longer works
    page.click("button[type=submit]")
    expect(page.locator(".errorlist")).to_be_visible()
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{mail_daphne.url}/my/")
    expect(page.locator("html")).to_have_attribute("lang", language)


def logged_in(page, server, user):
    page.goto(f"{server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/my/")
    return page


def test_a_password_change_keeps_this_window_signed_in_and_signs_the_other_browser_out(
        mail_daphne, browser_page, people, team):
    from playwright.sync_api import expect

    expert = people["expert"]
    here = logged_in(browser_page("en"), mail_daphne, expert)
    there = logged_in(browser_page("en"), mail_daphne, expert)
    for page in (here, there):
        page.goto(f"{mail_daphne.url}/teams/{team.slug}/board/")
        expect(page.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")

    here.goto(f"{mail_daphne.url}/account/")
    here.fill("input[name=old_password]", "pw")
    here.fill("input[name=new_password1]", NEW_PASSWORD)
    here.fill("input[name=new_password2]", NEW_PASSWORD)
    here.get_by_role("button", name="Change the password").click()
    expect(here.locator(".messages")).to_contain_text("Your password is changed.")

    # The other browser's socket is closed at once (realtime/sessions.py), and its next page is the login.
    expect(there.locator("[data-live-state]")).not_to_have_attribute("data-live-state", "live")
    there.reload()
    expect(there).to_have_url(f"{mail_daphne.url}/login/?next=/teams/{team.slug}/board/")
    # This window stays signed in, and its board is live again.
    here.goto(f"{mail_daphne.url}/teams/{team.slug}/board/")
    expect(here.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")


def test_the_accounts_list_is_usable_at_phone_width(login_page, daphne_server, people):
    long = make_user("wolfgang")
    type(long).objects.filter(pk=long.pk).update(
        first_name="Wolfgang-Maximilian", last_name="Schönfeld-Brandenburger",
        email="wolfgang-maximilian.schoenfeld-brandenburger@gesundheitsregion-lausitz.example.org")
    page = login_page(people["manager"], language="de")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{daphne_server.url}/account/people/")
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("(e) => e.scrollWidth <= e.clientWidth + 1")  # no sideways scrolling box
    row = page.locator('tr[data-person="wolfgang"]')
    button, name = row.get_by_role("button", name="Deaktivieren"), row.locator("th")
    box, name_box = button.bounding_box(), name.bounding_box()
    assert box["x"] + box["width"] <= 390 and box["y"] < name_box["y"] + name_box["height"]  # beside the name
