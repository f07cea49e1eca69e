"""Real Chromium, real daphne, a real Celery worker and a real SMTP server, in German and in English: a lead
invites a person without an account through the team page; the worker mails the invitation (in the lead's
language); the test opens the link from the received mail, sets name, organisation, password and language,
and lands on the team's board, signed in and live: a card the lead then creates on their board appears on
the new member's board without a reload."""
import pytest
from django.contrib.auth.models import User

from teams.invitations.models import Invitation
from teams.models import Membership
from tests.conftest import ROOT, celery_worker_process, make_user
from tests.mail_server import link_in, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {  # what each language's pages and mail say
    "en": {"invite": "Invite a member", "sent": "1 invitation sent.", "subject": "invites you to “Data Spaces”",
           "mail": "Lead Tester (Test org) invites you to join the topic team “Data Spaces”",
           "create": "Create the account and join", "welcome": "Welcome to “Data Spaces”.",
           "on_its_way": "mail on its way"},
    "de": {"invite": "Mitglied einladen", "sent": "1 Einladung verschickt.", "subject": "lädt Sie zu „Data Spaces“ ein",
           "mail": "Lead Tester (Test org) lädt Sie ein, im Thementeam „Data Spaces“",
           "create": "Konto anlegen und beitreten", "welcome": "Willkommen in „Data Spaces“.",
           "on_its_way": "Mail wird verschickt"},
}


@pytest.fixture
def mail_worker(smtp_inbox, daphne_server):
    """The Celery worker that writes the mails: to the test's SMTP server, with links to the test's daphne."""
    env = {**smtp_inbox.env, "SITE_URL": daphne_server.url}
    log = ROOT / "var" / f"celery-invitations-{daphne_server.port}.log"
    with celery_worker_process("-P", "solo", "-c", "1", log=log, env=env) as worker:
        yield worker


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_new_person_is_invited_by_mail_and_lands_live_on_the_board(language, login_page, daphne_server, people,
                                                                      team, smtp_inbox, mail_worker, chromium):
    from playwright.sync_api import expect

    words, base, address = WORDS[language], daphne_server.url, "Katrin.Neumann@Klinikum-Neustadt.example"
    lead = login_page(people["lead"], language=language)
    lead.goto(f"{base}/teams/{team.slug}/")
    lead.get_by_role("link", name=words["invite"]).click()
    lead.wait_for_url(f"{base}/teams/{team.slug}/members/invite/")
    lead.fill("textarea[name=addresses]", address)
    lead.select_option("select[name=role]", "expert")
    lead.fill("textarea[name=message]", "Wir brauchen Ihre Sicht aus der Pflege.")
    lead.click("form button[type=submit]")
    lead.wait_for_url(f"{base}/teams/{team.slug}/#invitations")
    expect(lead.locator(".messages")).to_contain_text(words["sent"])
    expect(lead.locator("#invitations .addressee")).to_have_text(address.lower())
    assert not User.objects.filter(email__iexact=address).exists()

    mail = smtp_inbox.wait_for(address, timeout=30)
    assert words["subject"] in mail["Subject"] and words["mail"] in text_of(mail)
    assert mail.get_body(preferencelist=("html",)) is not None  # the HTML alternative
    link = link_in(mail)
    assert link.startswith(f"{base}/invitations/")
    lead.reload()  # the mail job has run: the list no longer says the mail is on its way
    expect(lead.locator("#invitations li")).not_to_contain_text(words["on_its_way"])

    context = chromium.new_context(locale=language, viewport={"width": 1280, "height": 900})
    try:
        newcomer = context.new_page()
        newcomer.set_default_timeout(10_000)
        newcomer.goto(link)
        expect(newcomer.locator("blockquote")).to_have_text("Wir brauchen Ihre Sicht aus der Pflege.")
        newcomer.fill("input[name=first_name]", "Katrin")
        newcomer.fill("input[name=last_name]", "Neumann")
        newcomer.fill("input[name=organisation]", "Klinikum Neustadt")
        newcomer.select_option("select[name=sector]", "care")
        newcomer.select_option("select[name=location]", "brandenburg")
        newcomer.fill("input[name=password1]", "Pflege-Netz 2026!")
        newcomer.fill("input[name=password2]", "Pflege-Netz 2026!")
        newcomer.check("input[name=privacy_notice]")
        newcomer.select_option("select[name=language]", language)
        newcomer.get_by_role("button", name=words["create"]).click()
        newcomer.wait_for_url(f"{base}/teams/{team.slug}/board/")
        assert newcomer.get_attribute("html", "lang") == language
        expect(newcomer.locator(".messages")).to_contain_text(words["welcome"])
        expect(newcomer.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
        user = User.objects.get(email=address.lower())
        assert Membership.objects.get(team=team, user=user).state == "active"
        assert Invitation.objects.get(team=team).state == "accepted"

        lead.goto(f"{base}/teams/{team.slug}/board/")
        expect(lead.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
        lead.locator("[data-add-card] input").first.fill("Dienstplanmodell entwerfen")
        lead.locator("[data-add-card] input").first.press("Enter")
        expect(newcomer.locator(".tile", has_text="Dienstplanmodell entwerfen")).to_be_visible()  # no reload

        newcomer.goto(link)  # used once: the same page as any link that cannot be used
        expect(newcomer.locator("#invitation-page h1")).to_have_text(
            "This invitation link cannot be used" if language == "en" else "Dieser Einladungslink kann nicht "
                                                                           "verwendet werden")
    finally:
        context.close()


def test_existing_accounts_sign_in_from_the_mail_and_accept_or_decline(login_page, daphne_server, people, team,
                                                                       smtp_inbox, mail_worker, chromium):
    """Two people with accounts are invited at once (their addresses typed in another case); one accepts after
    signing in from the link, the other declines: only the one who accepted is a member."""
    from playwright.sync_api import expect

    base = daphne_server.url
    accepting, declining = make_user("ada"), make_user("grace")
    lead = login_page(people["lead"])
    lead.goto(f"{base}/teams/{team.slug}/members/invite/")
    lead.fill("textarea[name=addresses]", "ADA@example.org\nGrace@Example.org")
    lead.click("form button[type=submit]")
    lead.wait_for_url(f"{base}/teams/{team.slug}/#invitations")
    expect(lead.locator("#invitations li")).to_have_count(2)

    for person, decision in ((accepting, "Accept and join"), (declining, "Decline")):
        link = link_in(smtp_inbox.wait_for(person.email, timeout=30))
        context = chromium.new_context(locale="en")
        try:
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.goto(link)
            page.get_by_role("link", name="Sign in").click()
            page.fill("input[name=username]", person.username)
            page.fill("input[name=password]", "pw")
            page.click("button[type=submit]")
            page.wait_for_url(link)
            assert not Membership.objects.filter(team=team, user=person).exists()
            page.get_by_role("button", name=decision).click()
            page.wait_for_url(f"{base}/teams/{team.slug}/board/" if decision != "Decline" else f"{base}/my/")
        finally:
            context.close()
    assert Membership.objects.get(team=team, user=accepting).state == "active"
    assert not Membership.objects.filter(team=team, user=declining).exists()
    assert sorted(Invitation.objects.filter(team=team).values_list("state", flat=True)) == ["accepted", "declined"]
    expect(lead.locator("#invitations")).to_contain_text("No invitation is waiting for an answer.")  # live
