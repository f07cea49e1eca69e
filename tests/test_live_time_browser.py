"""Times read the same live and after a reload (11.18), in each language, whatever the browser's zone.

The browser runs in New York (in English, Chromium writes US style); the cluster's zone is Europe/Berlin.
A message posted live shows the time the server's |date filter writes for it after a reload, and "Offline since" uses
the same clock and format.
"""
import datetime

import pytest
from django.utils import formats, timezone, translation

from teams.discussion.models import Message
from tests.discussion_helpers import clear_cache, general

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def closes_connections(transactional_db):
    yield
    from django.db import connections

    connections.close_all()


@pytest.fixture
def new_yorker(login_page):
    return lambda user, language: login_page(user, language, timezone_id="America/New_York")


def server_time(instant, format_name, language):
    with translation.override(language):
        return formats.date_format(timezone.localtime(instant), format_name)


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_live_message_shows_the_time_it_shows_after_a_reload(closes_connections, new_yorker, daphne_server,
                                                               people, team, language):
    clear_cache()
    url = f"{daphne_server.url}/teams/{team.slug}/channels/{general(team).pk}/"
    page = new_yorker(people["expert"], language)
    page.goto(url)
    page.wait_for_selector(f"html[lang={language}] [data-live-state=live]")
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
    page.fill("#body", "What time is it?")
    page.press("#body", "Enter")
    page.wait_for_selector("#messages li.msg .msg-body >> text=What time is it?")
    message = Message.objects.get(body="What time is it?")
    live = page.text_content(f"#m{message.pk} .msg-head time")
    assert live == server_time(message.created_at, "SHORT_DATETIME_FORMAT", language)
    page.reload()
    page.wait_for_selector(f"#m{message.pk}")
    assert page.text_content(f"#m{message.pk} .msg-head time") == live


@pytest.mark.parametrize("language", ["en", "de"])
def test_offline_since_is_the_clusters_time(closes_connections, new_yorker, daphne_server, people, team, language):
    page = new_yorker(people["expert"], language)
    page.goto(f"{daphne_server.url}/teams/{team.slug}/board/")
    page.wait_for_selector("html.is-live")
    before = timezone.now()
    daphne_server.stop()
    page.wait_for_selector("[data-live-state=offline]", timeout=60_000)
    after = timezone.now() + datetime.timedelta(seconds=1)
    text = page.text_content("[data-live-state]")
    # The page went offline between the two instants: its minute is one of theirs.
    assert any(text.endswith(" " + server_time(instant, "TIME_FORMAT", language)) for instant in (before, after)), text
