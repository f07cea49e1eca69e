"""The channel page and history endpoint: access, content, escaping, and constant SQL query counts."""
import json
import re

import pytest
from django.core.exceptions import ValidationError

from teams import fragments
from teams.discussion.channels import create_channel
from teams.discussion.models import Message, Reaction, ReadMarker
from teams.discussion.posting import post_message
from tests.discussion_helpers import general
from tests.matrix import ROLES, may
from tests.queries import assert_constant, statements


def grow(team, channel, people, total):
    """Bring the channel to `total` root messages (bulk, for size) with replies, reactions and markers."""
    authors = [people["lead"], people["expert"], people["supporter"]]
    existing = Message.objects.filter(channel=channel, thread=None).count()
    Message.objects.bulk_create([
        Message(team=team, channel=channel, author=authors[n % 3], body=f"message {n} @lead",
                html=f"<p>message {n}</p>", mentions=[people["lead"].pk]) for n in range(existing, total)])
    roots = list(Message.objects.filter(channel=channel, thread=None).order_by("-id")[:60])
    replies = [Message(team=team, channel=channel, author=authors[n % 3], thread=root, body="re", html="<p>re</p>")
               for n, root in enumerate(roots) for _ in range(2)]
    Message.objects.bulk_create(replies)
    Reaction.objects.bulk_create([Reaction(message=root, user=people["expert"], emoji="👍") for root in roots],
                                 ignore_conflicts=True)
    last = Message.objects.filter(channel=channel).order_by("-id").first()
    for person in ("observer", "lead"):
        ReadMarker.objects.update_or_create(channel=channel, user=people[person],
                                            defaults={"last_read_id": last.pk - 3})


def count_queries(client, url, *, cold=False):
    if cold:
        # The page builds its cached part in the count; and the rows grow() inserts in bulk bypass the event log
        # that this cache is keyed on (teams/fragments.py). Only the fragments go: the cache's other entries
        # (the privacy notice's version) would count as queries.
        fragments.renew_all()
    response, sql = statements(lambda: client.get(url))
    assert response.status_code == 200
    return len(sql), response


@pytest.mark.django_db
def test_channel_page_and_history_queries_are_constant(client, people, team):
    channel = general(team)
    client.force_login(people["expert"])
    page_url = f"/teams/{team.slug}/channels/{channel.pk}/"
    grow(team, channel, people, 10)
    client.get(page_url)  # warm Django's per-process caches (content types) first
    small_page, _ = count_queries(client, page_url, cold=True)
    oldest = Message.objects.filter(channel=channel, thread=None).order_by("-id")[5].pk
    small_history, _ = count_queries(client, f"{page_url}messages/?before={oldest}")
    root = Message.objects.filter(channel=channel, thread=None).order_by("-id")[0].pk
    small_thread, _ = count_queries(client, f"{page_url}messages/?thread={root}")

    grow(team, channel, people, 5000)
    large_page, response = count_queries(client, page_url, cold=True)
    oldest = Message.objects.filter(channel=channel, thread=None).order_by("-id")[100].pk
    large_history, history = count_queries(client, f"{page_url}messages/?before={oldest}")
    root = Message.objects.filter(channel=channel, thread=None).order_by("-id")[0].pk
    large_thread, _ = count_queries(client, f"{page_url}messages/?thread={root}")
    print(f"channel page queries: {small_page} at 10 messages, {large_page} at 5,000; "
          f"history {small_history}/{large_history}; thread {small_thread}/{large_thread}")
    # Each with one statement for the messages' files (teams.discussion.selectors._decorate).
    assert_constant(small_page, large_page, 19, "channel page")
    assert_constant(small_history, large_history, 14, "history page")
    assert_constant(small_thread, large_thread, 17, "thread")
    # the page shows the latest 50 roots, with reply counts; history pages by id
    assert len(re.findall(r'<li class="msg[ "]', response.content.decode())) == 50
    data = history.json()
    ids = [int(i) for i in re.findall(r'data-id="(\d+)"', data["html"])]
    assert len(ids) == 50 and max(ids) < oldest and data["more"] and data["before"] == min(ids)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_channel(client, people, team, role):
    status = 200 if may(role, "view") else 404
    client.force_login(people[role])
    channel = general(team)
    assert client.get(f"/teams/{team.slug}/channels/{channel.pk}/").status_code == status
    assert client.get(f"/teams/{team.slug}/channels/{channel.pk}/messages/").status_code == status
    assert client.get(f"/teams/{team.slug}/channels/").status_code == (302 if status == 200 else 404)


@pytest.mark.django_db
def test_readers_get_no_write_buttons(client, people, team):
    post_message(people["lead"], team, channel=general(team), body="hello")
    client.force_login(people["observer"])
    page = client.get(f"/teams/{team.slug}/channels/{general(team).pk}/").content.decode()
    assert "hello" in page
    for control in ('id="composer"', 'class="link edit"', "danger delete", "add-reaction", "New channel"):
        assert control not in page
    client.force_login(people["expert"])
    page = client.get(f"/teams/{team.slug}/channels/{general(team).pk}/").content.decode()
    assert 'id="composer"' in page and "add-reaction" in page and 'class="link edit"' not in page
    client.force_login(people["supporter"])  # moderators may delete others' messages
    page = client.get(f"/teams/{team.slug}/channels/{general(team).pk}/").content.decode()
    assert "danger delete" in page


@pytest.mark.django_db
def test_script_content_is_inert_on_the_page(client, people, team):
    channel = create_channel(people["expert"], team, name="ch", topic="topic")
    post_message(people["expert"], team, channel=channel,
                          body="<script>alert('x')</script> <b onclick=alert(1)>hi</b> [a](javascript:alert(2))")
    client.force_login(people["lead"])
    page = client.get(f"/teams/{team.slug}/channels/{channel.pk}/").content.decode()
    body = page.split('id="messages"')[1].split("</ol>")[0]
    assert "<script" not in body and "onclick" not in body and "javascript:" not in body
    config = json.loads(re.search(r'id="chat-config" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert config["channel"] == channel.pk and config["seq"] == team.__class__.objects.get(pk=team.pk).last_seq


@pytest.mark.django_db
def test_no_javascript_fallbacks(client, people, team):
    client.force_login(people["expert"])
    channel = general(team)
    response = client.post(f"/teams/{team.slug}/channels/{channel.pk}/post/", {"body": "from a form"})
    assert response.status_code == 302 and Message.objects.filter(body="from a form").exists()
    response = client.post(f"/teams/{team.slug}/channels/new/", {"name": "pilots", "topic": "t"})
    assert response.status_code == 302 and "/channels/" in response["Location"]
    client.force_login(people["observer"])
    assert client.post(f"/teams/{team.slug}/channels/{channel.pk}/post/", {"body": "x"}).status_code == 403
    assert client.post(f"/teams/{team.slug}/channels/settings/", {"team_mention": "members"}).status_code == 403
    client.force_login(people["lead"])
    client.post(f"/teams/{team.slug}/channels/settings/", {"team_mention": "members"})
    assert team.discussion_settings.__class__.objects.get(team=team).team_mention == "members"


@pytest.mark.django_db
def test_thread_history_pages_by_id(client, people, team):
    channel = general(team)
    root = post_message(people["lead"], team, channel=channel, body="root")
    Message.objects.bulk_create([Message(team=team, channel=channel, author=people["expert"], thread=root,
                                         body=f"r{n}", html=f"<p>r{n}</p>") for n in range(60)])
    client.force_login(people["observer"])
    url = f"/teams/{team.slug}/channels/{channel.pk}/messages/"
    first = client.get(url, {"thread": root.pk}).json()
    ids = [int(i) for i in re.findall(r'data-id="(\d+)"', first["html"])]
    assert len(ids) == 50 and first["more"] and "root" in first["root"] and ids == sorted(ids)
    rest = client.get(url, {"thread": root.pk, "before": first["before"]}).json()
    older = [int(i) for i in re.findall(r'data-id="(\d+)"', rest["html"])]
    assert len(older) == 10 and not rest["more"] and max(older) < min(ids)
    assert client.get(url, {"thread": older[0]}).status_code == 404  # a reply is not a thread root
    assert client.get(url, {"before": "x"}).status_code == 400


@pytest.mark.django_db
def test_a_message_is_lines_of_plain_text_whichever_way_it_comes(client, people, team):
    """Bytes that are not UTF-8 (read as U+FFFD), control characters and bidi overrides are refused by the service:
    the form, the socket and the API all post through it. Line breaks, tabs and < > are fine."""
    from teams.discussion.posting import post_message

    client.force_login(people["expert"])
    url = f"/teams/{team.slug}/channels/{general(team).pk}/post/"
    before = Message.objects.count()
    response = client.post(url, b"body=%ED%A0%80x", content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302) and Message.objects.count() == before
    for bad in ("a\x1bb", "evil\u202etxt.exe", "\ufffd"):
        with pytest.raises(ValidationError):
            post_message(people["expert"], team, channel=general(team), body=bad)
    assert Message.objects.count() == before
    post_message(people["expert"], team, channel=general(team), body="Zeile 1\n\tZeile 2 <b>x</b> 🧑‍⚕️")
    assert Message.objects.count() == before + 1
