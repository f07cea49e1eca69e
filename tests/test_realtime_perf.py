"""Cost of the hot write path and of the ring (issue 6): statement counts, not timings.

post_message's SQL statements are counted (tests/queries.py): within a small budget, and
the same for a team of 5 and a team of 200 members with hundreds of messages. The behaviour
kept: the author's read marker moves forward, the author follows the thread, a muted thread
stays muted, mentions are marked, seqs stay gapless. The ring carries the frame serialised once.
"""
import json

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from teams import events
from teams.discussion.models import Message, ReadMarker, ThreadSubscription
from teams.discussion.posting import Post, post_message, post_messages
from teams.discussion.reading import set_thread_subscription
from teams.models import Event, Membership, Team
from tests.board_helpers import make_cards
from tests.discussion_helpers import general
from tests.queries import assert_constant, statements
from tests.ws_client import connect

pytestmark = pytest.mark.django_db


def _statements(fn):
    """Run fn; return (result, the SQL statements it sent, savepoints left out)."""
    result, sql = statements(fn)
    return result, [s for s in sql if "SAVEPOINT" not in s.upper()]


def _grow(team, members=200, messages=300):
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bulk{i}", first_name=f"Bulk{i}") for i in range(members)])
    Membership.objects.bulk_create([Membership(team=team, user=user, role=Membership.Role.EXPERT,
                                               state=Membership.State.ACTIVE) for user in users])
    channel = general(team)
    Message.objects.bulk_create([Message(team=team, channel=channel, author=users[i % members], body=f"m{i}",
                                         html=f"<p>m{i}</p>") for i in range(messages)])
    return users


def _post_costs(people, team):
    lead, channel = people["lead"], general(team)
    post_message(lead, team, channel=channel, body="warm up")
    plain = _statements(lambda: post_message(lead, team, channel=channel, body="hello"))
    mention = _statements(lambda: post_message(lead, team, channel=channel, body="hi @expert"))
    reply = _statements(lambda: post_message(lead, team, channel=channel, body="re", thread=plain[0]))
    return {"plain": plain, "mention": mention, "reply": reply}


def test_post_message_takes_few_statements_whatever_the_team_size(people, team, make_team):
    small = _post_costs(people, team)
    big_team = make_team(name="Big team")
    _grow(big_team)
    large = _post_costs(people, big_team)
    # plain: team lock (before the permission check), seq (UPDATE … RETURNING), channel, message, read-marker
    # upsert, subscription, event, the search index's document (teams.search.indexing, from the event);
    # mention: + the members by username, once (render_body reuses them), + the notification's recipients and insert;
    # reply: + the thread root, the followers (the follow is one insert-or-nothing).
    for kind, budget in {"plain": 8, "mention": 11, "reply": 10}.items():
        assert_constant(len(small[kind][1]), len(large[kind][1]), budget, f"{kind} post")
    # one statement takes the number
    assert sum(s.startswith("UPDATE") and "last_seq" in s for s in small["plain"][1]) == 1


def test_post_keeps_its_behaviour(people, team):
    lead, expert, channel = people["lead"], people["expert"], general(team)
    first = post_message(lead, team, channel=channel, body="hi @expert and @nobody")
    assert first.mentions == [expert.pk]
    assert '<span class="mention">@expert</span>' in first.html and "@nobody" in first.html
    assert '<span class="mention">@nobody' not in first.html
    assert ReadMarker.objects.get(channel=channel, user=lead).last_read_id == first.pk
    assert ThreadSubscription.objects.get(root=first, user=lead).state == ThreadSubscription.State.FOLLOW
    second = post_message(lead, team, channel=channel, body="again")
    assert ReadMarker.objects.get(channel=channel, user=lead).last_read_id == second.pk  # moved forward

    set_thread_subscription(expert, team, message=first, state=ThreadSubscription.State.MUTE)
    reply = post_message(expert, team, channel=channel, body="quiet reply", thread=first)
    assert ThreadSubscription.objects.get(root=first, user=expert).state == ThreadSubscription.State.MUTE
    assert reply.event.data["followers"] == [lead.pk]
    reply2 = post_message(lead, team, channel=channel, body="r", thread=reply)
    assert reply2.thread_id == first.pk and reply2.event.data["muted"] == [expert.pk]

    seqs = list(Event.objects.filter(team=team).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert Team.objects.get(pk=team.pk).last_seq == seqs[-1] == reply2.event.seq


def test_a_refused_post_takes_no_number(people, team):
    before = Team.objects.get(pk=team.pk).last_seq
    with pytest.raises(ValidationError):
        post_message(people["lead"], team, channel=general(team), body="x", thread=999999)
    assert Team.objects.get(pk=team.pk).last_seq == before
    assert post_message(people["lead"], team, channel=general(team), body="ok").event.seq == before + 1


def test_the_ring_carries_the_frame_serialised_once(people, team):
    message = post_message(people["lead"], team, channel=general(team), body="ring <b>me</b>")
    ring = events.ring_message([message.event])
    assert ring["type"] == "team.events"
    [(seq, kind, text, private)] = ring["events"]
    assert seq == message.event.seq and kind == "message.posted" and private is None  # a public channel's
    assert json.loads(text) == json.loads(json.dumps(message.event.as_frame()))  # consumers send the text as is


def test_a_batch_of_posts_is_one_transaction_and_one_ring(people, team, monkeypatch, settings,
                                                          django_capture_on_commit_callbacks):
    """Group commit (realtime/group_commit.py): many posts, a fixed number of statements, one ring."""
    settings.DISCUSSION_POST_RATE = (1000, 30)
    rings = []
    monkeypatch.setattr(events, "ring", rings.append)
    channel = general(team)

    def post(count):
        posts = [Post(people[name], channel, f"hello {n}") for n in range(count)
                 for name in ("lead", "expert")]
        def run():
            with django_capture_on_commit_callbacks(execute=True):
                return post_messages(team, posts)
        outcomes, sql = statements(run)
        return outcomes, len(sql)

    post(1)  # the people's permissions are read once per connection, not per post
    small, small_queries = post(2)
    large, large_queries = post(20)
    # savepoint, team lock, channel, seq, 4 inserts (1 an upsert), release; the search documents (one insert in a
    # savepoint of its own)
    assert_constant(small_queries, large_queries, 12, "a batch of posts")
    assert [m.event.seq for m in large] == list(range(large[0].event.seq, large[0].event.seq + 40))
    assert [m.pk for m in large] == sorted(m.pk for m in large)  # ids follow seq order
    assert [len(batch) for batch in rings] == [2, 4, 40]


def test_a_batch_of_replies_with_mentions_and_card_links_reads_each_thing_once(people, team, settings,
                                                                              django_capture_on_commit_callbacks):
    """Thread roots, the members named by @ and the cards named by # are read once per batch, not per post
    (2 such posts took 24 statements, 20 took 150)."""
    settings.DISCUSSION_POST_RATE = (1000, 30)
    channel = general(team)
    root = post_message(people["lead"], team, channel=channel, body="the thread")
    card = make_cards(team, 1, people["lead"])[0]

    def post(count):
        posts = [Post(people["lead"], channel, f"@expert see #{card.pk} ({n})", thread=root.pk)
                 for n in range(count)]
        def run():
            with django_capture_on_commit_callbacks(execute=True):
                return post_messages(team, posts)
        outcomes, sql = statements(run)
        assert all(message.thread_id == root.pk and people["expert"].pk in message.mentions
                   and f"/cards/{card.pk}/" in message.html for message in outcomes)
        return len(sql)

    post(1)
    # + the thread root, the members, the card, the thread's followers, a savepoint for the notifications,
    # the search documents (one insert in a savepoint)
    assert_constant(post(2), post(20), 20, "a batch of replies")


# Presence: O(1) per connection ---------------------------------------------------------

@pytest.mark.django_db(transaction=True)
async def test_connecting_reads_one_cached_snapshot(people, team, monkeypatch):
    """Five people connect: the members are read from the database once, not once per connection,
    and each newcomer's snapshot still lists everyone already online."""
    from realtime import presence
    from tests.discussion_helpers import clear_cache

    await database_sync_to_async(clear_cache)()
    monkeypatch.setattr(presence, "SNAPSHOT_AGE", 3600.0)  # no recomputation during the test
    calls = []
    real = presence.member_ids
    monkeypatch.setattr(presence, "member_ids", lambda team_id: calls.append(team_id) or real(team_id))
    who = ["lead", "expert", "observer", "supporter"]
    sockets = []
    try:
        for i, name in enumerate(who):
            sockets.append(await connect(people[name], team))
            assert sockets[-1].presence["online"] == sorted(people[n].pk for n in who[:i + 1])
        assert calls == [team.pk]
        await sockets.pop().disconnect()  # the supporter leaves: the snapshot forgets them at once
        late = await connect(people["manager"], team)
        sockets.append(late)
        assert late.presence["online"] == sorted([people[n].pk for n in who[:3]] + [people["manager"].pk])
        assert calls == [team.pk]
    finally:
        for socket in sockets:
            await socket.disconnect()
        await database_sync_to_async(clear_cache)()
