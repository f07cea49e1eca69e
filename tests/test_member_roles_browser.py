"""The team page's member list, by keyboard in German: a role changes only when saved; removing
someone (or leaving) asks first, in the page's own dialog (not window.confirm)."""
import pytest

from teams.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_role_changes_only_on_save_and_remove_asks_first(closes_connections, login_page, daphne_server,
                                                         people, team):
    expert = Membership.objects.get(team=team, user=people["expert"])
    page = login_page(people["lead"], language="de")
    native = []
    page.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
    page.goto(f"{daphne_server.url}/teams/{team.slug}/")
    row = page.locator(f"#members li[data-user='{people['expert'].username}']")

    # ArrowDown on the focused select changes the choice, nothing more.
    row.locator("select[name=role]").focus()
    page.keyboard.press("ArrowDown")
    assert row.locator("select[name=role]").input_value() != "expert"
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/teams/{team.slug}/")
    expert.refresh_from_db()
    assert expert.role == Membership.Role.EXPERT

    # Save (Speichern) applies it.
    chosen = row.locator("select[name=role]").input_value()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Speichern"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expert.refresh_from_db()
    assert expert.role == chosen

    # Remove asks in a dialog; Escape / Abbrechen keeps the member.
    row = page.locator(f"#members li[data-user='{people['expert'].username}']")
    row.get_by_role("button", name="Entfernen").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#confirm-dialog")
    page.wait_for_selector("#confirm-dialog[open]")
    assert dialog.locator("[data-confirm-text]").text_content() == "Expert Tester aus dem Thementeam entfernen?"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Abbrechen"
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog:not([open])", state="attached")
    page.wait_for_load_state("networkidle")
    expert.refresh_from_db()
    assert expert.state == Membership.State.ACTIVE and row.is_visible()

    # Confirmed, the member goes.
    row.get_by_role("button", name="Entfernen").click()
    with page.expect_navigation():
        dialog.get_by_role("button", name="Entfernen").click()
    assert not Membership.objects.filter(pk=expert.pk, state=Membership.State.ACTIVE).exists()
    assert page.locator(f"#members li[data-user='{people['expert'].username}']").count() == 0
    assert native == []
