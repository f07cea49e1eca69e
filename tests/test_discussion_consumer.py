"""The WebSocket protocol for discussions: every frame type, good and bad, through the real ASGI stack.

A bad frame gets an error to that client only and writes nothing; the other client's next
frame is the next real event (so nothing leaked to it in between).
"""
import json
import random

import pytest
from asgiref.sync import sync_to_async

from teams import membership as membership_services
from teams.discussion.models import Message, Reaction, ReadMarker, ThreadSubscription
from teams.discussion.posting import post_message
from teams.models import Event, Membership, Team
from tests.discussion_helpers import clear_cache, general
from tests.ws_client import connect, connected, next_event, request, until

pytestmark = pytest.mark.django_db(transaction=True)


def counts():
    return Message.objects.count(), Event.objects.count(), Reaction.objects.count()


async def test_post_is_acked_and_broadcast(people, team):
    channel = await sync_to_async(general)(team)
    async with connected(people["expert"], team) as writer, connected(people["observer"], team) as reader:
        ack = await request(writer, {"type": "message.post", "id": "r1", "channel": channel.pk,
                                     "body": "Hello @lead, see **this**"})
        assert ack["type"] == "ack" and ack["id"] == "r1" and isinstance(ack["seq"], int)
        event = await next_event(reader)
        assert event["seq"] == ack["seq"] and event["event"] == "message.posted"
        data = event["data"]
        assert data["channel"] == channel.pk and data["thread"] is None
        assert data["mentions"] == [people["lead"].pk] and "<strong>this</strong>" in data["html"]
        assert (await next_event(writer))["seq"] == ack["seq"]  # the writer sees its own event too, once


BAD_FRAMES = [
    ("not json", "{nope", "bad_json"),
    ("not an object", "[1, 2]", "bad_frame"),
    ("no type", {"id": "x", "body": "hi"}, "bad_frame"),
    ("unknown type", {"type": "message.shout", "id": "x"}, "unknown_type"),
    ("missing body", {"type": "message.post", "id": "x", "channel": "GENERAL"}, "invalid"),
    ("channel not a number", {"type": "message.post", "id": "x", "channel": "abc", "body": "hi"}, "invalid"),
    ("empty body", {"type": "message.post", "id": "x", "channel": "GENERAL", "body": "   "}, "invalid"),
    ("too long", {"type": "message.post", "id": "x", "channel": "GENERAL", "body": "x" * 10_001}, "invalid"),
    ("unknown channel", {"type": "message.post", "id": "x", "channel": 987654, "body": "hi"}, "not_found"),
    ("other team's channel", {"type": "message.post", "id": "x", "channel": "OTHER", "body": "hi"}, "not_found"),
    ("other team's message", {"type": "message.edit", "id": "x", "message": "OTHER_MESSAGE", "body": "hi"},
     "not_found"),
    ("thread elsewhere", {"type": "message.post", "id": "x", "channel": "GENERAL", "body": "hi",
                          "thread": "OTHER_MESSAGE"}, "invalid"),
    ("data not object", {"type": "message.post", "id": "x", "data": [1]}, "bad_frame"),
    ("bad emoji", {"type": "reaction.add", "id": "x", "message": "MINE", "emoji": "<script>"}, "invalid"),
    ("edit someone else's", {"type": "message.edit", "id": "x", "message": "LEADS", "body": "mine now"},
     "forbidden"),
    ("delete someone else's", {"type": "message.delete", "id": "x", "message": "LEADS"}, "forbidden"),
    ("@team not allowed", {"type": "message.post", "id": "x", "channel": "GENERAL", "body": "@team hi"}, "invalid"),
    ("huge frame", {"type": "message.post", "id": "x", "channel": "GENERAL", "body": "x" * 70_000}, "too_large"),
    ("bad id", {"type": "message.post", "id": {"a": 1}, "channel": "GENERAL", "body": "hi"}, "bad_frame"),
    ("bad typing", {"type": "typing", "channel": "OTHER"}, "not_found"),
    ("bad follow", {"type": "thread.follow", "id": "x", "message": "MINE", "state": "shout"}, "invalid"),
    ("read elsewhere", {"type": "channel.read", "id": "x", "channel": "GENERAL", "message": "OTHER_MESSAGE"},
     "not_found"),
    ("channel with html", {"type": "channel.create", "id": "x", "name": "<b>x</b>"}, "invalid"),
    # Strings must be strings and numbers numbers (Django's fields would store "{'a': 1}" or read "7" as 7).
    ("body an object", {"type": "message.post", "id": "x", "channel": "GENERAL", "body": {"a": 1}}, "invalid"),
    ("body a number", {"type": "message.post", "id": "x", "channel": "GENERAL", "body": 12}, "invalid"),
    ("channel as text", {"type": "message.post", "id": "x", "channel": "7", "body": "hi"}, "invalid"),
    ("channel a bool", {"type": "message.post", "id": "x", "channel": True, "body": "hi"}, "invalid"),
    ("channel a float", {"type": "message.post", "id": "x", "channel": 1.0, "body": "hi"}, "invalid"),
    ("channel name a list", {"type": "channel.create", "id": "x", "name": ["x"]}, "invalid"),
    ("emoji a list", {"type": "reaction.add", "id": "x", "message": "MINE", "emoji": ["👍"]}, "invalid"),
    # Lone surrogates: valid JSON, not Unicode text (SQLite, PostgreSQL and nh3 raise on them).
    ("surrogate in a post", '{"type": "message.post", "id": "x", "channel": GENERAL, "body": "probe \\ud800"}',
     "invalid"),
    ("surrogate in an edit", '{"type": "message.edit", "id": "x", "message": MINE, "body": "\\udfff"}', "invalid"),
    ("surrogate in a channel", '{"type": "channel.create", "id": "x", "name": "a\\ud800"}', "invalid"),
    ("surrogate in a key", '{"type": "message.post", "id": "x", "channel": GENERAL, "body": "hi", "\\ud800": 1}',
     "invalid"),
    ("surrogate in typing", '{"type": "typing", "channel": GENERAL, "thread": null, "x": ["\\ud800"]}', "invalid"),
    ("10,000 levels deep", '{"type": "message.post", "id": "x", "body": ' + "[" * 10_000 + "]" * 10_000 + "}",
     "bad_frame"),
    ("9 levels deep", '{"type": "message.post", "id": "x", "channel": GENERAL, "body": ' + "[" * 8 + "]" * 8 + "}",
     "bad_frame"),
]


@pytest.mark.parametrize("label,frame,code", BAD_FRAMES, ids=[b[0] for b in BAD_FRAMES])
async def test_bad_frames_get_an_error_and_write_nothing(people, team, make_team, label, frame, code):
    other = await sync_to_async(make_team)(name="Other team")

    def setup():
        other_message = post_message(people["lead"], other, channel=general(other), body="theirs")
        leads = post_message(people["lead"], team, channel=general(team), body="lead's")
        mine = post_message(people["expert"], team, channel=general(team), body="mine")
        return {"GENERAL": general(team).pk, "OTHER": general(other).pk, "OTHER_MESSAGE": other_message.pk,
                "LEADS": leads.pk, "MINE": mine.pk}

    ids = await sync_to_async(setup)()
    if isinstance(frame, dict):
        frame = json.dumps({k: ids.get(v, v) if isinstance(v, str) else v for k, v in frame.items()})
    else:
        for name, pk in ids.items():  # raw text: a bare placeholder
            frame = frame.replace(f": {name},", f": {pk},")
    async with connected(people["expert"], team) as sender, connected(people["lead"], team) as bystander:
        before = await sync_to_async(counts)()
        await sender.send_to(text_data=frame)
        error = await until(sender, lambda f: f["type"] == "error")
        assert error["code"] == code, error
        assert error["message"] and "Traceback" not in error["message"]
        assert await sync_to_async(counts)() == before, "nothing written"
        # the connection still works, and the bystander's next frame is the next real event
        ack = await request(sender, {"type": "message.post", "id": "ok", "channel": ids["GENERAL"],
                                     "body": "still here"})
        assert ack["type"] == "ack"
        skipped = []
        event = await until(bystander, lambda f: f["type"] in ("event", "typing", "error"), skipped=skipped)
        assert event["type"] == "event" and event["seq"] == ack["seq"], (event, skipped)


async def test_html_and_script_are_inert_in_events(people, team):
    channel = await sync_to_async(general)(team)
    async with connected(people["expert"], team) as writer:
        ack = await request(writer, {"type": "message.post", "id": "1", "channel": channel.pk,
                                     "body": "<script>alert(1)</script><img src=x onerror=alert(2)>ok"})
        event = await next_event(writer)
        assert ack["type"] == "ack" and "<script" not in event["data"]["html"]
        assert "onerror" not in event["data"]["html"] and "ok" in event["data"]["html"]


async def test_observer_is_refused_and_outsider_cannot_connect(people, team):
    channel = await sync_to_async(general)(team)
    async with connected(people["observer"], team) as observer:
        error = await request(observer, {"type": "message.post", "id": "1", "channel": channel.pk, "body": "hi"})
        assert error["code"] == "forbidden"
        error = await request(observer, {"type": "typing", "id": "t", "channel": channel.pk})
        assert error["code"] == "forbidden"
    with pytest.raises(AssertionError):
        await connect(people["outsider"], team)


async def test_per_person_rate_limit_spans_connections(people, team, settings):
    settings.DISCUSSION_POST_RATE = (3, 60)
    channel = await sync_to_async(general)(team)
    async with connected(people["expert"], team) as tab1, connected(people["expert"], team) as tab2:
        for n, tab in enumerate([tab1, tab2, tab1]):
            ack = await request(tab, {"type": "message.post", "id": f"m{n}", "channel": channel.pk, "body": "x"})
            assert ack["type"] == "ack"
        error = await request(tab2, {"type": "message.post", "id": "m9", "channel": channel.pk, "body": "x"})
        assert error["code"] == "rate_limited" and "too fast" in error["message"]
        assert await sync_to_async(Message.objects.count)() == 3


async def test_connection_token_bucket(people, team, settings):
    settings.WS_RATE_BURST = 3
    settings.WS_RATE_PER_SECOND = 0.001
    channel = await sync_to_async(general)(team)
    client = await connect(people["expert"], team)  # the resume frame took one token
    try:
        first = await request(client, {"type": "ping", "id": "p0"})
        second = await request(client, {"type": "ping", "id": "p1"})
        refused = await request(client, {"type": "message.post", "id": "p2", "channel": channel.pk, "body": "x"})
        assert (first["type"], second["type"]) == ("pong", "pong")
        assert refused["code"] == "rate_limited" and not await sync_to_async(Message.objects.exists)()
    finally:
        await client.disconnect()


async def test_every_command_round_trip(people, team):
    channel = await sync_to_async(general)(team)
    async with connected(people["expert"], team) as expert, connected(people["lead"], team) as lead:
        ack = await request(expert, {"type": "message.post", "id": "1", "channel": channel.pk, "body": "root"})
        root = (await sync_to_async(Message.objects.get)(body="root")).pk
        ack = await request(lead, {"type": "message.post", "id": "2", "channel": channel.pk, "body": "reply",
                                   "thread": root})
        reply = (await next_event(expert, "message.posted", lambda d: d["thread"] == root))["data"]
        assert reply["followers"] == [people["expert"].pk]
        ack = await request(expert, {"type": "message.edit", "id": "3", "message": root, "body": "root v2"})
        assert (await next_event(lead, "message.edited"))["data"]["body"] == "root v2"
        ack = await request(lead, {"type": "reaction.add", "id": "4", "message": root, "emoji": "🎉"})
        assert (await next_event(expert, "reaction.added"))["data"]["count"] == 1
        ack = await request(lead, {"type": "reaction.remove", "id": "5", "message": root, "emoji": "🎉"})
        assert (await next_event(expert, "reaction.removed"))["data"]["count"] == 0
        reply_id = (await sync_to_async(Message.objects.get)(body="reply")).pk
        ack = await request(lead, {"type": "channel.read", "id": "6a", "channel": channel.pk, "message": root})
        assert ack["type"] == "ack" and ack["seq"] is None  # already read past it: nothing changes
        ack = await request(expert, {"type": "channel.read", "id": "6", "channel": channel.pk,
                                     "message": reply_id})
        read = (await next_event(lead, "message.read"))["data"]
        assert read == {"channel": channel.pk, "user": people["expert"].pk, "message": reply_id}
        ack = await request(expert, {"type": "thread.follow", "id": "7", "message": root, "state": "mute"})
        assert (await next_event(lead, "thread.subscription"))["data"]["state"] == "mute"
        ack = await request(expert, {"type": "channel.create", "id": "8", "name": "pilots", "topic": "t"})
        created = (await next_event(lead, "channel.created"))["data"]
        assert created["name"] == "pilots"
        ack = await request(lead, {"type": "message.delete", "id": "9", "message": root})  # leads moderate
        assert (await next_event(expert, "message.deleted"))["data"]["by"] == people["lead"].pk
        assert await sync_to_async(ReadMarker.objects.filter(user=people["expert"], last_read_id=reply_id).exists)()
        assert await sync_to_async(ThreadSubscription.objects.filter(state="mute").count)() == 1


async def test_typing_is_ephemeral_and_not_echoed(people, team):
    channel = await sync_to_async(general)(team)
    async with connected(people["expert"], team) as expert, connected(people["lead"], team) as lead:
        seq_before = await sync_to_async(lambda: Team.objects.get(pk=team.pk).last_seq)()
        await expert.send_json_to({"type": "typing", "channel": channel.pk})
        typing = await until(lead, lambda f: f["type"] == "typing")
        assert typing == {"type": "typing", "user": people["expert"].pk, "name": "Expert Tester",
                          "channel": channel.pk, "thread": None}
        assert await sync_to_async(lambda: Team.objects.get(pk=team.pk).last_seq)() == seq_before
        # the typist gets no echo: its next frame is the ack of its next command
        skipped = []
        ack = await request(expert, {"type": "ping", "id": "p"}, skipped=skipped)
        assert ack["type"] != "typing" and not [f for f in skipped if f["type"] == "typing"]


async def test_presence_join_and_leave(people, team):
    async with connected(people["lead"], team) as lead:
        assert lead.presence["online"] == [people["lead"].pk]
        expert = await connect(people["expert"], team)
        assert sorted(expert.presence["online"]) == sorted([people["lead"].pk, people["expert"].pk])
        joined = await until(lead, lambda f: f["type"] == "presence")
        assert joined == {"type": "presence", "user": people["expert"].pk, "state": "online"}
        second_tab = await connect(people["expert"], team)
        await second_tab.disconnect()  # the expert is still online in the other tab: no "offline"
        await expert.disconnect()
        skipped = []
        left = await until(lead, lambda f: f["type"] == "presence", skipped=skipped)
        assert left == {"type": "presence", "user": people["expert"].pk, "state": "offline"}
        assert not [f for f in skipped if f["type"] == "presence"]


async def test_resume_replays_exactly_what_was_missed(people, team):
    channel = await sync_to_async(general)(team)
    reader = await connect(people["lead"], team)
    seen = reader.seq
    await reader.disconnect()
    for n in range(5):
        await sync_to_async(post_message)(people["expert"], team, channel=channel, body=f"while away {n}")
    async with connected(people["lead"], team, after=seen) as again:
        assert [f["seq"] for f in again.replayed] == list(range(seen + 1, seen + 6))
        assert [f["data"]["body"] for f in again.replayed] == [f"while away {n}" for n in range(5)]


async def test_a_changed_role_applies_to_an_open_connection(people, team):
    channel = await sync_to_async(general)(team)
    async with connected(people["expert"], team) as expert:
        ack = await request(expert, {"type": "message.post", "id": "1", "channel": channel.pk, "body": "before"})
        assert ack["type"] == "ack"
        membership = await sync_to_async(Membership.objects.get)(team=team, user=people["expert"])
        await sync_to_async(membership_services.change_role)(people["lead"], membership, role="observer")
        await next_event(expert, "member.role_changed")
        error = await request(expert, {"type": "message.post", "id": "2", "channel": channel.pk, "body": "after"})
        assert error["code"] == "forbidden"
        error = await request(expert, {"type": "typing", "id": "t", "channel": channel.pk})
        assert error["code"] == "forbidden"
        assert not await sync_to_async(Message.objects.filter(body="after").exists)()


# Hostile frames ------------------------------------------------------------------------------
# A seeded generator (reproducible) mixes valid and invalid types, ids of this and other teams,
# wrong JSON types, huge numbers, HTML and odd Unicode. Every frame gets an ack or an error with
# a known code (never `server_error`), the socket stays open, and the other team's client
# receives nothing.

TYPES = ["message.post", "message.edit", "message.delete", "reaction.add", "reaction.remove", "channel.read",
         "thread.follow", "channel.create", "typing", "resume", "ping", "message.shout", "", "event", "ack"]
KNOWN = {"bad_json", "bad_frame", "unknown_type", "too_large", "rate_limited", "invalid", "forbidden",
         "not_found"}


def values(ids, rng):
    return rng.choice([
        rng.choice(ids), -1, 0, 2**63, 10**30, 1.5, True, None, "", "7", "abc", [1], {"a": 1},
        "<script>alert(1)</script>", "@team", "@lead #1", "x" * rng.choice([10, 10_001]), "\u202e\u0000\ud7ff",
        "👍", "follow", "mute",
    ])


def frame(ids, rng, n):
    kind = rng.choice(TYPES)
    body = {"type": kind, "id": f"f{n}"}
    for field in rng.sample(["channel", "body", "thread", "message", "emoji", "state", "name", "topic", "card",
                             "after", "data"], rng.randint(0, 5)):
        body[field] = values(ids, rng)
    return json.dumps(body)


@pytest.fixture
def loose_rate(settings):
    settings.WS_RATE_BURST = 10_000
    settings.DISCUSSION_POST_RATE = (10_000, 60)


async def test_random_frames(people, team, make_team, loose_rate):
    clear_cache()
    other = await sync_to_async(make_team)(name="Other team")

    def setup():
        mine = post_message(people["expert"], team, channel=general(team), body="mine")
        theirs = post_message(people["lead"], other, channel=general(other), body="theirs")
        return [general(team).pk, general(other).pk, mine.pk, theirs.pk]

    ids = await sync_to_async(setup)()
    client = await connect(people["expert"], team)
    outsider_team_client = await connect(people["lead"], other)
    rng = random.Random(20261125)
    codes = {}
    try:
        for n in range(250):
            text = frame(ids, rng, n)
            parsed = json.loads(text)
            if parsed["type"] in ("typing", "resume"):
                await client.send_to(text_data=text)  # no reply when valid: follow with a ping
                reply = await request(client, {"type": "ping", "id": f"after{n}"})
            else:
                reply = await request(client, text)
            if reply["type"] == "error":
                assert reply["code"] in KNOWN, (text, reply)
                codes[reply["code"]] = codes.get(reply["code"], 0) + 1
        # still alive and in order
        reply = await request(client, {"type": "ping", "id": "end"})
        assert reply == {"type": "pong", "id": "end"}
        assert await sync_to_async(Message.objects.filter(team=other).count)() == 1, "nothing reached the other team"
        before = []
        pong = await request(outsider_team_client, {"type": "ping", "id": "other"}, skipped=before)
        assert pong["type"] == "pong" and all(f["type"] == "presence" for f in before), before
        assert {"invalid", "unknown_type", "bad_frame"} <= set(codes), codes
    finally:
        await client.disconnect()
        await outsider_team_client.disconnect()
