"""Real Chromium, two people: a rename, a pin and an archive seen live by the other; a permalink thousands of
messages back opens the message in place, its thread open and the reply highlighted."""
import pytest

from teams.discussion.models import Message
from teams.discussion.posting import post_message
from tests.discussion_helpers import clear_cache, general
from tests.test_discussion_pages import grow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def live(page):
    from playwright.sync_api import expect

    expect(page.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")


def test_rename_pin_and_archive_are_seen_live(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    clear_cache()
    channel = general(team)
    post_message(people["expert"], team, channel=channel, body="The agenda for Monday")
    url = f"{daphne_server.url}/teams/{team.slug}/channels/{channel.pk}/"
    lead, expert = login_page(people["lead"]), login_page(people["expert"])
    for page in (lead, expert):
        page.goto(url)
        live(page)

    # The lead renames and describes the channel; the expert's header and list follow.
    lead.locator(".channel-settings summary").click()
    lead.fill("#channel-edit input[name=name]", "all hands")
    lead.fill("#channel-edit input[name=topic]", "Weekly news")
    lead.locator("#channel-edit button").click()
    expect(expert.locator("#channel-name")).to_have_text("all hands")
    expect(expert.locator("#channel-topic")).to_have_text("Weekly news")
    expect(expert.locator(f'#channel-list li[data-channel="{channel.pk}"] .cname')).to_have_text("all hands")

    # The expert pins the message; the lead's "Pinned" panel shows it, and its Pin button reads Unpin.
    live(lead)  # the lead's page was reloaded by the form
    message = expert.locator("#messages li.msg").last
    assert message.locator(".pin-actions").inner_text() == "Pin Copy link"  # two actions, not "PinCopy link"
    message.locator(".pin").click()
    expect(lead.locator("#pin-count")).to_have_text("1")
    expect(lead.locator("#pins-list li[data-message]")).to_contain_text("The agenda for Monday")
    expect(lead.locator("#messages li.msg").last.locator(".pin")).to_have_text("Unpin")
    # … and unpins it from the panel (its form goes over the socket)
    lead.locator("#pinned summary").click()
    lead.locator("#pins-list .unpin-form button").click()
    expect(expert.locator("#pin-count")).to_have_text("0")

    # Archived: the expert's composer goes at once, the notice shows, the channel moves under "Archived".
    lead.locator(".channel-settings summary").click()
    lead.locator("#channel-archive button").click()
    expect(expert.locator("#archived-notice")).to_be_visible()
    expect(expert.locator("#composer")).to_be_hidden()
    expect(expert.locator(f'#archived-list li[data-channel="{channel.pk}"]')).to_have_count(1)


def test_a_permalink_far_back_opens_its_thread_highlighted(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    clear_cache()
    channel = general(team)
    grow(team, channel, people, 5000)
    old_root = Message.objects.filter(channel=channel, thread=None).order_by("id")[40]
    reply = post_message(people["lead"], team, channel=channel, body="The answer, far back", thread=old_root)
    page = login_page(people["expert"])

    # "Copy link" on the reply gives its permalink …
    page.goto(f"{daphne_server.url}/teams/{team.slug}/channels/{channel.pk}/?message={reply.pk}")
    live(page)
    highlighted = page.locator(f'#thread-replies li.msg.focused[data-id="{reply.pk}"]')
    expect(highlighted).to_be_visible()  # the thread is open, the reply highlighted
    expect(page.locator(f'#messages li.msg[data-id="{old_root.pk}"]')).to_be_visible()  # its root in place
    expect(page.locator("#newer")).to_be_visible()  # the newer pages load on demand
    highlighted.locator(".copy-link").click()
    link = highlighted.locator(".copy-link").get_attribute("data-link")
    assert link == f"{daphne_server.url}/teams/{team.slug}/channels/{channel.pk}/?message={reply.pk}"

    # … which another person opens: the same place.
    other = login_page(people["observer"])
    other.goto(link)
    expect(other.locator(f'#thread-replies li.msg.focused[data-id="{reply.pk}"]')).to_be_visible()
    other.locator("#newer button").click()
    expect(other.locator("#messages li.msg")).to_have_count(100)  # the next 50 roots, after the first 50


def test_the_member_pickers_load_when_their_dialog_opens(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    clear_cache()
    expert = login_page(people["expert"])
    expert.goto(f"{daphne_server.url}/teams/{team.slug}/channels/{general(team).pk}/")
    live(expert)
    assert expert.locator(".choose-members input[name=members]").count() == 0  # not with the page
    expert.locator(".new-channel summary").click()
    expert.fill(".new-channel input[name=name]", "pilots")
    expert.locator(".new-channel input[name=private]").check()
    expert.locator(f'.choose-members input[value="{people["observer"].pk}"]').check()
    expect(expert.locator(f'.choose-members input[value="{people["expert"].pk}"]')).to_have_count(0)
    expert.locator(".new-channel button.primary").click()
    expect(expert.locator("#channel-name")).to_have_text("pilots")
    # Its creator chooses its members: the team's members, loaded when the dialog opens.
    expert.locator("#channel-members summary").click()
    remove = expert.locator(f'#channel-members input[name=remove][value="{people["observer"].pk}"]')
    expect(remove).to_have_count(1)
    expert.locator(f'#channel-members input[name=add][value="{people["lead"].pk}"]').check()
    expert.locator("#channel-members button").click()
    expect(expert.locator("#channel-members summary")).to_contain_text("(3)")
