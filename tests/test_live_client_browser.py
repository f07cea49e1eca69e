"""The browser's live client (static/js/live.js, dom.js) when things go wrong, in German: a refused
command and unreadable data from the server show the page's banner (never window.alert, never an
exception), and retrying now closes the socket it replaces; signed out (4401), the page goes to the login page
instead of retrying."""
import pytest

from teams.discussion.posting import post_message
from tests.discussion_helpers import clear_cache, general

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_errors_go_to_the_banner_and_retry_replaces_the_socket(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    clear_cache()
    channel = general(team)
    message = post_message(people["lead"], team, channel=channel, body="Hallo zusammen")
    page = login_page(people["expert"], language="de")
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{daphne_server.url}/teams/{team.slug}/channels/{channel.pk}/")
    state = page.locator("[data-live-state]")
    expect(state).to_have_attribute("data-live-state", "live")
    banner = page.locator("#error-banner")
    assert banner.is_hidden()

    # A command the server refuses (a reaction that is no emoji of the list): its message in the banner.
    page.evaluate("""() => {
      const button = document.createElement("button");
      button.className = "add-reaction";
      button.dataset.emoji = "no-emoji";
      document.querySelector("li.msg .msg-foot").append(button);
      button.click();
    }""")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Das hat nicht funktioniert:")
    assert dialogs == []

    # Unreadable data on the socket: the banner says so, the client stays live and goes on.
    page.evaluate("() => window.chat.live.socket.onmessage({data: '{\"type\": \"event\", '})")
    expect(banner).to_contain_text("Der Server hat etwas gesendet, das diese Seite nicht lesen kann.")
    expect(state).to_have_attribute("data-live-state", "live")

    # Retrying now (the browser is back online) while a socket is still there: that one is closed first.
    old_state, replaced = page.evaluate("""() => {
      const live = window.chat.live, old = live.socket;
      live.setState("reconnecting");
      window.dispatchEvent(new Event("online"));
      return [old.readyState, live.socket !== old];
    }""")
    assert old_state in (2, 3) and replaced  # CLOSING or CLOSED, and a new socket
    expect(state).to_have_attribute("data-live-state", "live")
    read = f"{{channel: {channel.pk}, message: {message.pk}}}"
    ok = page.evaluate(f"() => window.chat.live.send('channel.read', {read}).then((answer) => answer.type)")
    assert ok == "ack" and errors == [] and dialogs == []


def test_signed_out_elsewhere_the_open_page_goes_to_the_login_page(login_page, daphne_server, people, team):
    from playwright.sync_api import expect

    channel = general(team)
    page = login_page(people["expert"], language="de")
    path = f"/teams/{team.slug}/channels/{channel.pk}/"
    page.goto(daphne_server.url + path)
    expect(page.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    other = page.context.new_page()  # the same browser, another tab: "Abmelden" there ends the session
    other.goto(f"{daphne_server.url}/my/")
    other.locator("form[action='/logout/'] button").click()
    page.wait_for_url(f"{daphne_server.url}/login/?next={path}", timeout=15_000)  # not "offline", retrying
    expect(page.locator("input[name=username]")).to_be_visible()
