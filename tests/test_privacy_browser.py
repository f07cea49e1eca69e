"""Real Chromium and daphne, in German: a person's first login shows the privacy notice before anything else; they
acknowledge it and land where they were going (the team's board); the next login goes straight there."""
import pytest

from teams import membership as membership_services
from teams.models import Membership
from teams.privacy.models import Acknowledgement
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username, target):
    page.goto(f"{base}{target}")  # signed out: the login page, then back here
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")


def test_the_first_login_asks_for_the_privacy_notice_in_german_then_opens_the_board(chromium, daphne_server,
                                                                                     closes_connections, people,
                                                                                     team):
    from playwright.sync_api import expect

    newcomer = make_user("erika", acknowledged=False)
    membership_services.enrol_member(people["manager"], team, user=newcomer, role=Membership.Role.EXPERT)
    base, board = daphne_server.url, f"/teams/{team.slug}/board/"
    context = chromium.new_context(locale="de", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{base}/login/")
        expect(page.get_by_role("link", name="Datenschutzhinweise").first).to_be_visible()
        sign_in(page, base, "erika", board)
        page.wait_for_url(f"{base}/privacy/acknowledge/**")
        expect(page.get_by_role("heading", name="Datenschutzhinweise")).to_be_visible()
        expect(page.get_by_text("Art. 6 Abs. 1 lit. b DSGVO").first).to_be_visible()
        page.get_by_role("button", name="Ich habe die Datenschutzhinweise gelesen").click()
        page.wait_for_url(f"{base}{board}")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        assert list(Acknowledgement.objects.filter(user=newcomer).values_list("version", flat=True)) == [1]
        page.get_by_role("button", name="Abmelden").click()
        page.wait_for_url(f"{base}/login/**")
        sign_in(page, base, "erika", board)  # the next login: straight to the board
        page.wait_for_url(f"{base}{board}")
        # The footer's links open the notices without asking again.
        page.get_by_role("contentinfo").get_by_role("link", name="Impressum").click()
        page.wait_for_url(f"{base}/imprint/")
        expect(page.get_by_text("vom Betreiber einzutragen").first).to_be_visible()
    finally:
        context.close()
