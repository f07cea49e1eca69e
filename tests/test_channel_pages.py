"""The channel page's new parts: archived and private channels in the list, the "Pinned" panel, permalinks far
back (the page around the message, then newer pages by id), and constant SQL as the channel grows."""
import re

import pytest

from teams.discussion.channel_admin import set_archived
from teams.discussion.channels import create_channel
from teams.discussion.models import Message
from teams.discussion.pins import pin_message
from teams.discussion.posting import post_message
from tests.discussion_helpers import general
from tests.queries import assert_constant, statements
from tests.test_discussion_pages import grow

pytestmark = pytest.mark.django_db

ROOT_ITEM = re.compile(r'<li class="msg[ "][^>]*data-id="(\d+)"')


def count_queries(client, url):
    response, sql = statements(lambda: client.get(url))
    assert response.status_code == 200, url
    return len(sql), response


def test_permalink_pages_and_pins_cost_constant_queries(client, people, team):
    channel = general(team)
    client.force_login(people["expert"])
    grow(team, channel, people, 10)
    create_channel(people["lead"], team, name="inner circle", private=True, members=[people["expert"].pk])
    base = f"/teams/{team.slug}/channels/{channel.pk}/"
    first = Message.objects.filter(channel=channel, thread=None).order_by("id").first()
    client.get(base)  # warm Django's per-process caches first
    for message in Message.objects.filter(channel=channel, thread=None).order_by("-id")[:3]:
        pin_message(people["expert"], team, message=message)
    small = [count_queries(client, url)[0] for url in (base, f"{base}?message={first.pk}", f"{base}pins/",
                                                       f"{base}messages/?after={first.pk}")]
    grow(team, channel, people, 5000)
    first = Message.objects.filter(channel=channel, thread=None).order_by("id").first()
    for message in Message.objects.filter(channel=channel, thread=None).order_by("-id")[:30]:
        pin_message(people["expert"], team, message=message)
    large = [count_queries(client, url)[0] for url in (base, f"{base}?message={first.pk}", f"{base}pins/",
                                                       f"{base}messages/?after={first.pk}")]
    print(f"channel page {small[0]}/{large[0]}, permalink page {small[1]}/{large[1]}, pins {small[2]}/{large[2]}, "
          f"newer page {small[3]}/{large[3]} at 10/5,000 messages")
    for what, before, after, budget in zip(("channel page", "permalink page", "pins panel", "newer page"),
                                           small, large, (19, 21, 9, 14)):  # the pages also read their messages' files
        assert_constant(before, after, budget, what)


def test_a_permalink_far_back_opens_the_page_around_it(client, people, team):
    channel = general(team)
    grow(team, channel, people, 400)
    roots = list(Message.objects.filter(channel=channel, thread=None).order_by("id").values_list("pk", flat=True))
    target = roots[100]
    reply = post_message(people["lead"], team, channel=channel, body="far reply", thread=target)
    client.force_login(people["observer"])
    base = f"/teams/{team.slug}/channels/{channel.pk}/"
    page = client.get(f"{base}?message={reply.pk}").content.decode()
    shown = [int(i) for i in ROOT_ITEM.findall(page)]
    assert target in shown and len(shown) == 50 and max(shown) == roots[125]  # the page around it, not the newest
    assert f'"focus": {{"message": {reply.pk}, "thread": {target}}}' in page  # the script opens the thread
    newer = re.search(r'id="newer" data-after="(\d+)"', page)
    assert newer and int(newer.group(1)) == max(shown)
    data = client.get(f"{base}messages/?after={max(shown)}").json()
    ids = [int(i) for i in re.findall(r'data-id="(\d+)"', data["html"])]
    assert ids == roots[126:176] and data["more"] and data["after"] == roots[175]
    newest = client.get(f"{base}?message={roots[-3]}").content.decode()  # near the end: the newest page
    assert re.search(r'id="newer"[^>]* hidden', newest) and roots[-1] in [int(i) for i in ROOT_ITEM.findall(newest)]
    assert client.get(f"{base}messages/?after=99999999999999999999").status_code == 400


def test_the_list_shows_archived_and_private_channels_to_whom_it_may(client, people, team):
    archived = create_channel(people["expert"], team, name="old project")
    set_archived(people["lead"], team, channel=archived, archived=True)
    create_channel(people["lead"], team, name="leads only", private=True)
    client.force_login(people["lead"])
    page = client.get(f"/teams/{team.slug}/channels/{archived.pk}/").content.decode()
    archived_list = page[page.index('id="archived-list"'):]
    assert "old project" in archived_list and "leads only" in page[:page.index('id="archived-list"')]
    assert 'id="composer"' not in page and "read-only" in page  # nothing is written in an archived channel
    client.force_login(people["manager"])
    assert "leads only" not in client.get(f"/teams/{team.slug}/channels/{general(team).pk}/").content.decode()
    assert client.get(f"/teams/{team.slug}/channels/").url.endswith(f"/channels/{general(team).pk}/")
