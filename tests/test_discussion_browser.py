"""Real Chromium, two people: one writes, the other sees it live, with typing, unread badge and "seen by"."""
import re
import time

import pytest

from teams.discussion.channels import create_channel
from teams.discussion.posting import post_message
from tests.discussion_helpers import clear_cache, general

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_people_chat_live(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    clear_cache()
    pilots = create_channel(people["lead"], team, name="pilots", topic="Pilot planning")
    channel = general(team)
    url = f"{daphne_server.url}/teams/{team.slug}/channels/{channel.pk}/"

    reader = login_page(people["lead"])
    reader.goto(url)
    expect(reader.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    writer = login_page(people["expert"])
    writer.set_viewport_size({"width": 390, "height": 844})  # the writer is on a phone
    writer.goto(url)
    expect(writer.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")

    # presence: the reader sees the writer come online
    expect(reader.locator(f'#presence li[data-user="{people["expert"].pk}"]')).to_have_class("online")

    # @mention suggestions: "@le" offers the lead; Enter picks the name (and does not send)
    writer.locator("#body").press_sequentially("Hello @le")
    expect(writer.locator("#mention-menu li")).to_have_count(1)
    writer.press("#body", "Enter")
    expect(writer.locator("#body")).to_have_value("Hello @lead ")

    # typing indicator
    writer.fill("#body", "Hello @lead, the **pilot** starts <script>alert(1)</script>")
    expect(reader.locator("#typing")).to_have_text("Expert Tester is typing…")

    # the message arrives live, rendered and sanitised
    writer.press("#body", "Enter")
    message = reader.locator("#messages li.msg").last
    expect(message.locator(".msg-body strong")).to_have_text("pilot")
    expect(message.locator(".mention")).to_have_text("@lead")
    assert reader.locator("#messages script").count() == 0
    expect(reader.locator("#typing")).to_have_text("")  # cleared by the message
    expect(writer.locator("#body")).to_have_value("")

    # the reader has read it (visible page): the writer sees "seen by" on its own message
    expect(writer.locator("#messages li.msg").last.locator(".seen")).to_have_text("✓ 1")

    # editing starts from the Markdown source; the reader sees the new version live
    mine = writer.locator("#messages li.msg").last
    mine.locator(".edit").click()
    expect(mine.locator(".edit-form textarea")).to_have_value(re.compile(r"the \*\*pilot\*\* starts"))
    mine.locator(".edit-form textarea").fill("Hello @lead, the *pilot* starts on Monday")
    mine.locator(".edit-form button.primary").click()
    expect(message.locator(".msg-body em")).to_have_text("pilot")
    expect(message.locator(".edited")).to_be_visible()

    # a message in another channel raises the reader's unread badge there
    writer.goto(f"{daphne_server.url}/teams/{team.slug}/channels/{pilots.pk}/")
    expect(writer.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    writer.fill("#body", "Pilot partners: two hospitals")
    writer.press("#body", "Enter")
    badge = reader.locator(f'#channel-list li[data-channel="{pilots.pk}"] .unread')
    expect(badge).to_be_visible()
    expect(badge).to_have_text("1")

    # opening the channel clears the badge (the read marker is stored)
    reader.click(f'#channel-list li[data-channel="{pilots.pk}"] a')
    expect(reader.locator("#messages li.msg")).to_have_count(1)
    last_id = reader.locator("#messages li.msg").last.get_attribute("data-id")
    expect(reader.locator("#chat")).to_have_attribute("data-read-up-to", last_id)
    reader.goto(url)
    expect(reader.locator(f'#channel-list li[data-channel="{pilots.pk}"] .unread')).to_be_hidden()

    # a reply in a thread: the reply count rises live on the other page
    writer.goto(url)
    expect(writer.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    writer.locator("#messages li.msg").last.locator(".replies").click()
    writer.fill("#reply-body", "Which hospitals?")
    writer.press("#reply-body", "Enter")
    expect(reader.locator("#messages li.msg").last.locator(".replies")).to_have_text(re.compile("1 reply"))
    expect(writer.locator("#thread-replies li.msg")).to_have_count(1)


def test_a_reply_that_arrives_while_the_thread_loads_stays(login_page, daphne_server, people, team):
    """The thread's history is read before the reply is stored but answers after the reply's live event:
    the reply must stay on the page (it used to be overwritten by the older history)."""
    from playwright.sync_api import expect

    clear_cache()
    channel = general(team)
    root = post_message(people["lead"], team, channel=channel, body="Which pilot sites?")
    writer = login_page(people["expert"])
    writer.goto(f"{daphne_server.url}/teams/{team.slug}/channels/{channel.pk}/")
    expect(writer.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")

    held = []  # the thread's history as read when asked for, answered only later

    def hold(route):
        held.append((route, route.fetch()))
    writer.route(re.compile(r"/messages/\?thread="), hold)
    writer.locator(f'#messages li.msg[data-id="{root.pk}"] .replies').click()
    expect(writer.locator("#thread")).to_be_visible()
    deadline = time.monotonic() + 5
    while not held:  # the history is read before the reply exists
        assert time.monotonic() < deadline, "the thread's history was never asked for"
        writer.wait_for_timeout(20)  # lets Playwright run the route handler
    writer.fill("#reply-body", "Charité and Bergmann")
    writer.press("#reply-body", "Enter")
    expect(writer.locator("#thread-replies li.msg")).to_have_count(1)  # the reply's live event
    assert len(held) == 1
    route, stale = held[0]
    route.fulfill(response=stale)
    expect(writer.locator("#thread-root")).to_contain_text("Which pilot sites?")  # the history has landed
    expect(writer.locator("#thread-replies li.msg")).to_have_count(1)
    expect(writer.locator("#thread-replies li.msg .msg-body")).to_have_text("Charité and Bergmann")
