"""Real Chromium: the header's search box, typed into once in German and once in English, suggests as you type
(grouped by kind, the words marked); a message result opens its channel with the thread open and the reply
highlighted. The keyboard works: "/" and Ctrl+K focus the box, ↓ chooses, Enter opens, Escape closes."""
import pytest

from teams.discussion.posting import post_message
from tests.discussion_helpers import general
from tests.search_helpers import new_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_box_finds_messages_in_german_and_english_and_opens_them_in_their_thread(
        login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    lead, expert = people["lead"], people["expert"]
    channel = general(team)
    root = post_message(lead, team, channel=channel, body="Planung der Pilotphase")
    german = post_message(expert, team, channel=channel, body="Wir brauchen mehr Pflegekräfte für die Nachtschicht",
                          thread=root)
    english = post_message(expert, team, channel=channel, body="The hospitals in Cottbus agreed to join the pilot",
                           thread=root)
    new_card(lead, team, "Pflegekräfte anwerben")
    thread_url = f"/teams/{team.slug}/channels/{channel.pk}/?message="

    # German: "/" focuses the box; typed without umlauts, the last word still being typed
    page = login_page(people["observer"], language="de")
    box, menu = page.locator("#header-search"), page.locator("#header-search-menu")
    page.keyboard.press("/")
    expect(box).to_be_focused()
    box.press_sequentially("pflegekraef", delay=30)
    expect(menu).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(menu.locator(".search-group-head")).to_have_count(2)  # tasks, then messages
    expect(menu.locator(".search-group-head").first).to_contain_text("Aufgaben")
    message = menu.locator(f'a[href$="{thread_url}{german.pk}"]')
    expect(message.locator("mark")).to_have_text("Pflegekräfte")
    box.press("ArrowDown")
    box.press("ArrowDown")  # the second option: the message
    expect(message).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url(f"**{thread_url}{german.pk}")
    expect(page.locator("#thread")).to_be_visible()
    expect(page.locator(f'#thread-replies li.msg[data-id="{german.pk}"]')).to_have_class("msg focused")
    expect(page.locator(f'#thread-root li.msg[data-id="{root.pk}"]')).to_be_visible()

    # English: Ctrl+K from anywhere (here: the message composer's page), a whole word, a click
    page = login_page(people["lead"], language="en")
    page.goto(f"{daphne_server.url}/teams/{team.slug}/board/")
    page.keyboard.press("Control+k")
    box, menu = page.locator("#header-search"), page.locator("#header-search-menu")
    expect(box).to_be_focused()
    box.press_sequentially("hospital Cottbus", delay=20)
    result = menu.locator(f'a[href$="{thread_url}{english.pk}"]')
    expect(result).to_be_visible()
    expect(menu.locator(".search-group-head")).to_have_count(1)
    expect(menu.locator(".search-group-head")).to_contain_text("Messages")
    expect(result.locator("mark").first).to_have_text("hospitals")
    box.press("Escape")
    expect(menu).to_be_hidden()
    box.press("ArrowDown")  # nothing to choose while closed
    box.fill("")
    box.press_sequentially("hospital Cottbu", delay=20)
    expect(result).to_be_visible()
    result.click()
    page.wait_for_url(f"**{thread_url}{english.pk}")
    expect(page.locator("#thread")).to_be_visible()
    expect(page.locator(f'#thread-replies li.msg[data-id="{english.pk}"]')).to_have_class("msg focused")

    # Enter with nothing chosen: the results page, grouped counts and the same hit
    page.keyboard.press("/")
    page.locator("#header-search").fill("Pflegekraft")
    page.locator("#header-search").press("Enter")
    page.wait_for_url("**/search/?q=Pflegekraft")
    expect(page.locator("#search-total")).to_have_text("2 results")
    expect(page.locator(".search-hit")).to_have_count(2)
