"""Real Chromium against a real daphne: the foundation's main story, and screenshots.

A cluster manager logs in, launches a team linked to two strategic goals through the
launch form and invites an expert; the expert logs in (a second browser context), accepts
the invitation on "My teams" and finds the team there. The language switch in the header turns the page
German (<html lang="de">). Screenshots of the main pages at laptop and phone width go to
test-artifacts/ (gitignored) for people to look at.
"""
import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from teams.models import Membership, StrategicGoal, Team
from tests.conftest import make_user
from tests.foundation_helpers import restore_migrated_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
WIDTHS = {"laptop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def migrated(transactional_db):
    restore_migrated_data()


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"foundation-{name}-{label}.png"), full_page=True)
        # Nothing sticks out sideways on a phone: the page is as wide as the screen.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{name} scrolls sideways at {width}px ({overflow}px)"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_manager_launches_a_team_invites_an_expert_who_sees_it(migrated, people, login_page, daphne_server):
    base = daphne_server.url
    expert = make_user("henrike")
    goals = list(StrategicGoal.objects.filter(code__in=["2b", "4a"]).order_by("code"))
    today = timezone.localdate()

    manager = login_page(people["manager"])
    manager.click("text=Launch a team")
    manager.wait_for_url(f"{base}/teams/launch/")
    shoot(manager, "launch-form")
    manager.fill("input[name=name]", "Rural Telecare Pilots")
    manager.fill("textarea[name=purpose]", "Tele-consultations for rural Brandenburg, with two hub hospitals.")
    for goal in goals:
        manager.check(f"input[name=goals][value='{goal.pk}']")
    manager.locator("input[name=fields_of_action]").first.check()
    manager.fill("input[name=start_date]", today.isoformat())
    manager.fill("input[name=end_date]", (today + datetime.timedelta(days=180)).isoformat())
    manager.select_option("select[name=lead]", str(people["lead"].pk))
    manager.click("form button[type=submit]")
    manager.wait_for_url(f"{base}/teams/rural-telecare-pilots/")
    assert manager.locator("h1").first.text_content().strip().startswith("Rural Telecare Pilots")
    goal_codes = manager.locator(".goal-list .goal").all_text_contents()
    assert goal_codes == ["2b", "4a"]

    team = Team.objects.get(slug="rural-telecare-pilots")
    assert team.status == Team.Status.ACTIVE
    assert sorted(team.goals.values_list("code", flat=True)) == ["2b", "4a"]

    manager.click("text=Invite a member")
    manager.wait_for_url(f"{base}/teams/{team.slug}/members/invite/")
    manager.select_option("select[name=people]", str(expert.pk))
    manager.select_option("select[name=role]", "expert")
    manager.click("form button[type=submit]")
    manager.wait_for_url(f"{base}/teams/{team.slug}/#invitations")
    manager.locator("#invitations .addressee", has_text="Henrike Tester").wait_for()
    assert not Membership.objects.filter(team=team, user=expert).exists()  # a member once they accept
    shoot(manager, "team-page")

    page = login_page(expert)
    page.locator("#my-invitations li", has_text="Rural Telecare Pilots").get_by_role(
        "button", name="Accept and join").click()
    page.wait_for_url(f"{base}/teams/{team.slug}/board/")
    assert Membership.objects.filter(team=team, user=expert, state="active").exists()
    manager.locator("#invitations", has_text="No invitation is waiting for an answer.").wait_for()  # live
    page.goto(f"{base}/my/")
    card = page.locator("#my-teams .team-card", has_text="Rural Telecare Pilots")
    card.wait_for()
    assert "Expert" in card.text_content()
    shoot(page, "my-teams")
    page.goto(f"{base}/teams/")
    page.wait_for_selector(".team-card")
    shoot(page, "directory")
    # The filters update the list in place (htmx) and the address follows.
    page.select_option("select[name=status]", "concluded")
    page.wait_for_selector("#directory .empty")
    assert "status=concluded" in page.url
    page.select_option("select[name=status]", "active")
    page.locator("#directory .team-card", has_text="Rural Telecare Pilots").wait_for()
    page.goto(f"{base}/masterplan/")
    assert page.locator("li#goal-2b .goal-teams a", has_text="Rural Telecare Pilots").count() == 1
    shoot(page, "masterplan")


def test_language_switch_in_the_header(migrated, people, login_page, daphne_server):
    page = login_page(people["expert"])
    assert page.get_attribute("html", "lang") == "en"
    page.click("form.lang button[value=de]")
    page.wait_for_function("document.documentElement.lang === 'de'")
    assert page.url.endswith("/my/")  # back on the same page
    shoot(page, "my-teams-de")  # German words are longer: still no sideways scrolling
    page.goto(f"{daphne_server.url}/teams/")
    assert page.get_attribute("html", "lang") == "de"  # remembered for the session
    shoot(page, "directory-de")
    assert page.locator("form.lang button[value=de]").get_attribute("aria-current") == "true"
    page.click("form.lang button[value=en]")
    page.wait_for_function("document.documentElement.lang === 'en'")
