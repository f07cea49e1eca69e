"""Real Chromium, two people: files pasted and dropped into the chat (the other person sees the preview live),
the emoji picker by keyboard, quoting a message, and @mention suggestions in a card's comment box."""
import base64
import re

import pytest

from teams.board.cards import create_card
from teams.board.models import Card, Column
from teams.discussion.models import MessageFile
from teams.discussion.posting import post_message
from tests.chatfile_helpers import image_bytes
from tests.discussion_helpers import clear_cache, general

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A File in the page (base64 → bytes), in a DataTransfer as a paste or a drop carries it.
DATA_TRANSFER = """([b64, name, type]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type: type}));
  return transfer;
}"""
PASTE = """([selector, b64, name, type]) => {
  const make = MAKE;
  const event = new ClipboardEvent("paste", {clipboardData: make([b64, name, type]), bubbles: true, cancelable: true});
  document.querySelector(selector).dispatchEvent(event);
}""".replace("MAKE", DATA_TRANSFER)


def live(page, url):
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")


def test_pasted_and_dropped_files_reach_the_other_person_live(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    clear_cache()
    channel = general(team)
    url = f"{daphne_server.url}/teams/{team.slug}/channels/{channel.pk}/"
    reader = login_page(people["lead"])
    live(reader, url)
    writer = login_page(people["expert"])
    live(writer, url)

    # A pasted screenshot waits in the composer; Enter sends it (a message may be only a file).
    png = base64.b64encode(image_bytes()).decode()
    writer.evaluate(PASTE, ["#body", png, "image.png", "image/png"])
    expect(writer.locator("#composer .pending-files li")).to_have_count(1)
    writer.press("#body", "Enter")
    expect(writer.locator("#composer .pending-files")).to_be_hidden()
    image = reader.locator("#messages li.msg").last.locator(".msg-files img")
    expect(image).to_have_attribute("alt", "image.png")
    expect(image).to_have_attribute("src", re.compile(r"/files/\d+/\?preview=1$"))
    reader.wait_for_function("img => img.complete && img.naturalWidth === 480",
                             arg=image.element_handle())  # the server's preview, loaded

    # A dropped PDF, with text: the reader gets its name, size and a download link.
    transfer = writer.evaluate_handle(DATA_TRANSFER, [base64.b64encode(b"%PDF-1.4\n" + b"x" * 3000).decode(),
                                                      "minutes.pdf", "application/pdf"])
    writer.dispatch_event("#composer", "drop", {"dataTransfer": transfer})
    expect(writer.locator("#composer .pending-files li")).to_contain_text("minutes.pdf")
    writer.fill("#body", "The minutes")
    writer.press("#body", "Enter")
    message = reader.locator("#messages li.msg").last
    expect(message.locator(".msg-body")).to_have_text("The minutes")
    link = message.locator(".msg-files a.file")
    expect(link).to_have_text("minutes.pdf")
    expect(message.locator(".msg-files .size")).to_have_text("2.9 KB")  # as filesizeformat writes 3,009 bytes
    with reader.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "minutes.pdf"
    assert MessageFile.objects.count() == 2

    # A refused file: the writer sees why, nothing is posted.
    writer.evaluate(PASTE, ["#body", base64.b64encode(b"MZ\x90\x00").decode(), "tool.exe", "application/x-msdos"])
    writer.press("#body", "Enter")
    expect(writer.locator("#error-banner")).to_contain_text("This file type is not accepted")
    assert MessageFile.objects.count() == 2


def test_emoji_picker_and_quote(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    clear_cache()
    channel = general(team)
    post_message(people["lead"], team, channel=channel, body="The pilot starts\non **Monday**")
    page = login_page(people["expert"], language="de")
    live(page, f"{daphne_server.url}/teams/{team.slug}/channels/{channel.pk}/")

    # Search in German, choose with the keyboard; the emoji goes in at the cursor.
    page.fill("#body", "ab")
    page.evaluate("document.querySelector('#body').setSelectionRange(1, 1)")
    page.click("#composer .emoji-toggle")
    search = page.locator("#composer .emoji-search")
    expect(search).to_be_focused()
    search.press_sequentially("daumen")
    expect(page.locator("#composer .emoji-option")).to_have_count(3)  # drücken, hoch, runter
    expect(page.locator("#composer .emoji-option").first).to_have_attribute("aria-label", "Daumen drücken Glück")
    search.press("ArrowRight")
    search.press("Enter")
    expect(page.locator("#body")).to_have_value("a👍b")
    expect(page.locator("#body")).to_be_focused()
    page.click("#composer .emoji-toggle")
    page.locator("#composer .emoji-search").press_sequentially("zzzz")
    expect(page.locator("#composer .emoji-empty")).to_be_visible()
    page.locator("#composer .emoji-search").press("Escape")
    expect(page.locator("#composer .emoji-panel")).to_be_hidden()

    # Quote: the message as a Markdown quote with its author, in German.
    page.fill("#body", "")
    page.locator("#messages li.msg").last.locator(".quote").click()
    expect(page.locator("#body")).to_have_value("> Lead Tester schrieb:\n> The pilot starts\n> on Monday\n\n")
    page.locator("#body").press_sequentially("Agreed")
    page.press("#body", "Enter")
    quoted = page.locator("#messages li.msg").last.locator(".msg-body blockquote")
    expect(quoted).to_contain_text("Lead Tester schrieb:")

    # The formatting help lists what the chat renders.
    page.click("#composer .format-help summary")
    expect(page.locator("#composer .format-help dl")).to_contain_text("Zitat")


def test_mention_suggestions_in_a_card_comment(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    card = Card.objects.get(pk=create_card(people["lead"], team, column=column, title="Ethics vote").data["card"])
    page = login_page(people["lead"])
    live(page, f"{daphne_server.url}/teams/{team.slug}/board/cards/{card.pk}/")
    box = page.locator("form.comment-form textarea")
    box.press_sequentially("Please check @exp")
    menu = page.locator("form.comment-form .mention-menu li")
    expect(menu).to_have_count(1)
    expect(menu).to_contain_text("@expert")
    box.press("Enter")
    expect(box).to_have_value("Please check @expert ")
    box.press_sequentially("thanks")
    page.locator("form.comment-form button.primary").click()
    expect(page.locator("ol.comments li").last).to_contain_text("Please check @expert thanks")
    # htmx showed the card again: the new comment box suggests too
    page.locator("form.comment-form textarea").press_sequentially("@obs")
    expect(page.locator("form.comment-form .mention-menu li")).to_contain_text("@observer")


def test_mention_suggestions_in_the_board_dialog(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    create_card(people["lead"], team, column=column, title="Ethics vote")
    page = login_page(people["expert"])
    page.goto(f"{daphne_server.url}/teams/{team.slug}/board/")
    page.wait_for_selector("html.is-live")
    page.click(f"#column-{column.pk} li.tile .tile-title")
    box = page.locator("#card-dialog[open] form.comment-form textarea")
    box.press_sequentially("@le")
    expect(page.locator("#card-dialog form.comment-form .mention-menu li")).to_contain_text("@lead")
    box.press("Enter")
    expect(box).to_have_value("@lead ")
