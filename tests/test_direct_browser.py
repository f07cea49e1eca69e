"""Real Chromium, two people in a direct conversation: one starts it with the person picker and writes, the other
sees it live with the header's unread count, reacts and reads it; the first sees the reaction and "seen by", and
the second's unread count drops to none."""
import pytest

from teams.direct.models import Conversation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_people_message_each_other_live(login_page, daphne_server, people):
    from playwright.sync_api import expect

    reader = login_page(people["lead"])
    reader.goto(f"{daphne_server.url}/messages/")
    expect(reader.locator("[data-dm-count]")).to_be_hidden()
    writer = login_page(people["expert"])
    writer.goto(f"{daphne_server.url}/messages/")
    writer.fill("#people-search", "lea")
    writer.check('#people-found [data-person="lead"] input')
    expect(writer.locator('#people-chosen [data-person="lead"] input')).to_be_checked()
    writer.click("#start-form button.primary")
    writer.wait_for_url(f"{daphne_server.url}/messages/*/")
    conversation = Conversation.objects.get()
    expect(writer.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")

    writer.fill("#body", "The **pilot** starts <script>alert(1)</script>")
    writer.press("#body", "Enter")
    expect(writer.locator("#body")).to_have_value("")
    # The reader, on the list, sees the header's count go up live, and the new conversation with its count.
    expect(reader.locator("[data-dm-count]")).to_have_text("1")
    expect(reader.locator(f'#conversations li[data-conversation="{conversation.pk}"] .unread')).to_have_text("1")
    reader.click(f'#conversations li[data-conversation="{conversation.pk}"] a')
    expect(reader.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    message = reader.locator("#messages li.msg").last
    expect(message.locator(".msg-body strong")).to_have_text("pilot")
    assert reader.locator("#messages script").count() == 0
    # Opening it marks it read: the reader's count drops, the writer sees "seen by".
    expect(reader.locator("[data-dm-count]")).to_be_hidden()
    mine = writer.locator("#messages li.msg").last
    expect(mine.locator(".seen")).to_have_text("Seen by Lead Tester")

    # A live message while the reader looks at the conversation: read at once, never counted.
    writer.fill("#body", "Second")
    writer.press("#body", "Enter")
    expect(reader.locator("#messages li.msg")).to_have_count(2)
    expect(writer.locator("#messages li.msg").last.locator(".seen")).to_have_text("Seen by Lead Tester")
    expect(reader.locator("[data-dm-count]")).to_be_hidden()

    # The reader reacts; the writer sees it live. The writer edits and deletes; the reader sees both.
    message.locator(".react-menu summary").click()
    message.locator('.add-reaction[data-emoji="🎉"]').click()
    expect(mine.locator(".reactions .reaction")).to_have_text("🎉 1")
    expect(message.locator(".reaction.mine")).to_have_text("🎉 1")
    mine.locator(".edit").click()
    mine.locator(".edit-form textarea").fill("The *pilot* starts on Monday")
    mine.locator(".edit-form button.primary").click()
    expect(message.locator(".msg-body em")).to_have_text("pilot")
    expect(message.locator(".edited")).to_be_visible()
    writer.locator("#messages li.msg").last.locator(".delete").click()
    writer.click("#confirm-dialog button[value=confirm]")  # the page's dialog (static/js/page.js)
    expect(reader.locator("#messages li.msg").last).to_have_class("msg deleted")
    expect(reader.locator("#messages li.msg").last.locator(".msg-body")).to_have_text("Message deleted")
    expect(writer.locator("#messages li.msg").last.locator(".seen")).to_be_hidden()  # deleted: seen by nobody
