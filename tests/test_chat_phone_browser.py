"""The channel page on a phone (390 × 844): no sideways scrolling, the composer on the first screen, the channel
list behind a menu button, a thread as a full-screen overlay with a Back button; posting and replying work."""
import pytest

from teams.discussion.channels import create_channel
from tests.discussion_helpers import clear_cache, general

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def in_view(page, selector):
    return page.evaluate("""(selector) => { const box = document.querySelector(selector).getBoundingClientRect();
      return box.width > 0 && box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight
        && box.right <= window.innerWidth; }""", selector)


def test_chat_at_390_px(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    clear_cache()
    pilots = create_channel(people["lead"], team, name="pilots-and-a-rather-long-channel-name", topic="Pilot planning")
    url = f"{daphne_server.url}/teams/{team.slug}/channels/{general(team).pk}/"
    phone, desk = login_page(people["expert"], has_touch=True, is_mobile=True), login_page(people["lead"])
    phone.set_viewport_size({"width": 390, "height": 844})
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    for page in (phone, desk):
        page.goto(url)
        expect(page.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    assert in_view(phone, "#body") and in_view(phone, "#composer button.primary")
    assert phone.is_hidden("#chat-side") and desk.is_visible("#chat-side") and desk.is_hidden("[data-chat-menu]")

    # Post; the other person sees it.
    phone.fill("#body", "From the tram: " + "averyveryverylongwordwithoutanyspaces" * 3)
    phone.press("#body", "Enter")
    expect(desk.locator("#messages li.msg").last.locator(".msg-body")).to_contain_text("From the tram")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)

    # A thread: full screen, reply, Back.
    phone.locator("#messages li.msg").last.locator(".replies").click()
    expect(phone.locator("#thread")).to_be_visible()
    assert phone.evaluate("() => { const box = document.getElementById('thread').getBoundingClientRect();"
                          " return box.left === 0 && box.top === 0 && box.width === window.innerWidth; }")
    expect(phone.locator("#thread-root li.msg")).to_have_count(1)
    phone.fill("#reply-body", "Reply on the go")
    phone.press("#reply-body", "Enter")
    expect(phone.locator("#thread-replies li.msg")).to_have_count(1)
    expect(desk.locator("#messages li.msg").last.locator(".replies")).to_have_text("1 reply")
    assert in_view(phone, "#reply-body")
    phone.click("[data-thread-back]")
    expect(phone.locator("#thread")).to_be_hidden()

    # The channel list opens from the menu button, over the conversation; Escape closes it; a channel opens.
    menu = phone.locator("[data-chat-menu]")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(phone.locator("#chat-side")).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    phone.keyboard.press("Escape")
    expect(phone.locator("#chat-side")).to_be_hidden()
    menu.click()
    phone.click(f"#channel-list li[data-channel=\"{pilots.pk}\"] a")
    phone.wait_for_url(f"**/channels/{pilots.pk}/")
    expect(phone.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL) and in_view(phone, "#body")
    assert errors == []
