"""Real Chromium: a teammate's open channel shows an erased person as "Former member n" (their messages' author and
the @mentions of them) without a reload, from the member.anonymised event (static/js/chat.js), once cluster
management has erased them on the confirmation page."""
import pytest

from teams.discussion.posting import post_message
from teams.erasure.models import Erasure
from tests.discussion_helpers import clear_cache, general

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_open_channel_renames_the_erased_person_live(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    clear_cache()
    channel = general(team)
    own = post_message(people["expert"], team, channel=channel, body="My findings")
    mention = post_message(people["lead"], team, channel=channel, body="Thanks @expert!")
    page = login_page(people["lead"])
    page.goto(f"{daphne_server.url}/teams/{team.slug}/channels/{channel.pk}/")
    expect(page.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    author, mentioned = page.locator(f"#m{own.pk} .author"), page.locator(f"#m{mention.pk} .mention")
    expect(author).to_have_text("Expert Tester")
    expect(mentioned).to_have_text("@expert")

    # Cluster management erases them from the accounts list, through the confirmation page (in the server).
    manager = login_page(people["manager"])
    manager.goto(f"{daphne_server.url}/account/people/")
    manager.locator('tr[data-person="expert"] td.erase a').click()
    manager.get_by_label("Keep them, by the anonymised account").check()
    manager.get_by_label("Keep the files, by the anonymised account").check()
    manager.get_by_label("Type the person's name to confirm").fill("Expert Tester")
    manager.get_by_role("button", name="Erase this person").click()
    expect(manager.locator(".messages")).to_contain_text("Expert Tester is erased")
    erasure = Erasure.objects.get(person=people["expert"])

    expect(author).to_have_text(f"Former member {erasure.number}")
    expect(mentioned).to_have_text(f"@former-member-{erasure.number}")
    assert page.locator(f"#m{own.pk} .msg-body").inner_text().strip() == "My findings"  # kept, as chosen
