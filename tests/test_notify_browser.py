"""Real Chromium, in German: "Recent activity" reads in sentences; a notification's link lands on the very
message (paged in when it is old, highlighted, its thread open for a reply) or the card, and opening it
takes it off the bell's count on every open page."""
import pytest

from teams.board.cards import create_card
from teams.board.checklists import add_checklist_item
from teams.board.models import Card, Column
from teams.discussion.posting import post_message
from teams.discussion.rate_limit import rate_limit_suspended
from teams.discussion.reactions import add_reaction
from teams.notify.models import Kind, Notification
from tests.discussion_helpers import clear_cache, general

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_notification_links_land_on_the_message_or_card_and_clear_the_badge(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    clear_cache()
    lead, expert, channel = people["lead"], people["expert"], general(team)
    with rate_limit_suspended():
        old = post_message(lead, team, channel=channel, body="@expert, the early question")
        for n in range(60):  # more than a page: the mentioned message is not on the first one
            root = post_message(lead, team, channel=channel, body=f"Update {n}")
        reply = post_message(lead, team, channel=channel, body="(@expert) in the thread", thread=root.pk)
    column = Column.objects.filter(team=team).order_by("rank").first()
    card = create_card(lead, team, column=column, title="Ethikvotum", assignees=[expert]).data["card"]
    mention_old, mention_reply = (
        Notification.objects.get(recipient=expert, kind=Kind.MENTION, event__data__message=m.pk) for m in (old, reply))

    watcher = login_page(expert, language="de")  # the same person's other open page
    watcher.goto(f"{daphne_server.url}/notifications/")
    expect(watcher.locator("[data-bell-count]")).to_have_text("3")
    page = login_page(expert, language="de")
    badge = page.locator("[data-bell-count]")
    page.goto(f"{daphne_server.url}/notifications/")
    expect(badge).to_have_text("3")
    expect(page.locator("#notification-list time").first).to_have_text("gerade eben")

    page.click(f'a[href="/notifications/{mention_old.pk}/"]')
    page.wait_for_url(f"**/channels/{channel.pk}/?message={old.pk}")
    message = page.locator(f'#messages li.msg[data-id="{old.pk}"]')
    expect(message).to_have_class("msg focused")
    expect(message).to_be_in_viewport()
    expect(badge).to_have_text("2")
    expect(watcher.locator("[data-bell-count]")).to_have_text("2")  # live, without a reload
    expect(watcher.locator(f'#notification-list li[data-id="{mention_old.pk}"]')).to_have_class("notification")

    page.goto(f"{daphne_server.url}/notifications/")
    page.click(f'a[href="/notifications/{mention_reply.pk}/"]')
    page.wait_for_url(f"**/channels/{channel.pk}/?message={reply.pk}")
    expect(page.locator("#thread")).to_be_visible()
    expect(page.locator(f'#thread-replies li.msg[data-id="{reply.pk}"]')).to_have_class("msg focused")
    expect(badge).to_have_text("1")

    page.goto(f"{daphne_server.url}/notifications/")
    task = Notification.objects.get(recipient=expert, kind=Kind.TASK_ASSIGNED)
    page.click(f'a[href="/notifications/{task.pk}/"]')
    page.wait_for_url(f"**/teams/{team.slug}/board/cards/{card}/")
    expect(page.get_by_text("Ethikvotum").first).to_be_visible()
    page.goto(f"{daphne_server.url}/notifications/")
    expect(page.locator("#notification-list li.unread")).to_have_count(0)
    expect(badge).to_be_hidden()


def test_recent_activity_reads_in_german_with_chat_summarised(login_page, daphne_server, people, team):
    """The team page's "Recent activity" in Chromium, in German: sentences, no event codes, one chat line."""
    from playwright.sync_api import expect

    from teams.review import meetings as review_meetings

    lead = people["lead"]
    with rate_limit_suspended():
        for n in range(12):
            message = post_message(lead, team, channel=general(team), body=f"Stand {n}")
    add_reaction(people["expert"], team, message=message, emoji="👍")
    column = Column.objects.filter(team=team).order_by("rank").first()
    card = create_card(lead, team, column=column, title="Ethikvotum").data["card"]
    add_checklist_item(lead, Card.objects.get(pk=card), text="Antrag")
    review_meetings.add_review_note(people["advisor"], team, body="Guter Start")
    page = login_page(people["expert"], language="de")
    page.goto(f"{daphne_server.url}/teams/{team.slug}/")
    activity = page.locator("ol.activity")
    expect(activity).to_contain_text("12 Nachrichten in #general")
    expect(activity).to_contain_text("hat eine Review-Notiz geschrieben")
    expect(activity).to_contain_text("hat die Checkliste von „Ethikvotum“ aktualisiert")
    text = activity.inner_text()
    assert not any(code in text for code in ("message.posted", "reaction.added", "card.checklist_changed",
                                             "review_note.added")), text
    assert text.count("Stand") == 0 and activity.locator("li").count() < 12
