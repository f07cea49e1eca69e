"""Real Chromium on a live daphne: the team page follows contributions live. One member states what they
contribute on their form; another member's open team page shows it without a reload (team.js: the event, then the
server-rendered members section)."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_team_page_shows_a_new_contribution_live(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    watcher = login_page(people["lead"], language="de")
    watcher.goto(f"{daphne_server.url}/teams/{team.slug}/")
    expert_line = watcher.locator('li[data-user="expert"]')
    expect(expert_line).to_be_visible()
    expect(expert_line.locator("[data-contribution]")).to_have_count(0)

    page = login_page(people["expert"])
    page.goto(f"{daphne_server.url}/teams/{team.slug}/")
    page.locator('li[data-user="expert"] [data-edit-contribution]').click()
    page.fill("input[name=hours_per_month]", "12")
    page.fill("textarea[name=facilities]", "Simulationslabor")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Your contribution is saved.")

    summary = expert_line.locator("[data-contribution] summary")
    expect(summary).to_have_text("12 Stunden im Monat · Infrastruktur")  # the lead's German page, no reload
    summary.click()
    expect(expert_line.locator("[data-contribution] dd")).to_have_text("Simulationslabor")
