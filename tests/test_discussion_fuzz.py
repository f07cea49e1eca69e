"""Hostile frames: hundreds of random discussion frames never crash the consumer or leak to others.

A seeded generator (reproducible) mixes valid and invalid types, ids of this and other teams,
wrong JSON types, huge numbers, HTML and odd Unicode. Every frame gets an ack or an error
with a known code (never `server_error`), the socket stays open, and the other team's
client receives nothing.
"""
import json
import random

import pytest
from asgiref.sync import sync_to_async

from teams.discussion import services
from teams.discussion.models import Message
from tests.discussion_helpers import clear_cache, connect, general, request

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

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
        mine = services.post_message(people["expert"], team, channel=general(team), body="mine")
        theirs = services.post_message(people["lead"], other, channel=general(other), body="theirs")
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
                reply, _ = await request(client, {"type": "ping", "id": f"after{n}"})
            else:
                reply, _ = await request(client, text)
            if reply["type"] == "error":
                assert reply["code"] in KNOWN, (text, reply)
                codes[reply["code"]] = codes.get(reply["code"], 0) + 1
        # still alive and in order
        reply, _ = await request(client, {"type": "ping", "id": "end"})
        assert reply == {"type": "pong", "id": "end"}
        assert await sync_to_async(Message.objects.filter(team=other).count)() == 1, "nothing reached the other team"
        pong, before = await request(outsider_team_client, {"type": "ping", "id": "other"})
        assert pong["type"] == "pong" and all(f["type"] == "presence" for f in before), before
        assert {"invalid", "unknown_type", "bad_frame"} <= set(codes), codes
    finally:
        await client.disconnect()
        await outsider_team_client.disconnect()
