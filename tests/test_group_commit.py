"""Group commit of posts (realtime/group_commit.py, services.post_messages).

Posts from many sockets — or many from one socket — are written together: each still gets its
own answer, a refused post refuses only its sender and writes nothing, the numbers stay gapless
and in the order the posts were sent, and a socket's answers come in the order of its frames.
"""
import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from teams.discussion import services
from teams.discussion.models import Message
from teams.models import Event, Team
from tests.discussion_helpers import connect, general, until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refused_post_refuses_only_itself(people, team, make_team):
    channel = general(team)
    foreign = general(make_team(name="Elsewhere"))
    before = Team.objects.get(pk=team.pk).last_seq
    outcomes = services.post_messages(team, [
        services.Post(people["lead"], channel, "first"),
        services.Post(people["expert"], channel, "x" * 10_001),  # too long
        services.Post(people["observer"], channel, "observers read"),  # not allowed
        services.Post(people["expert"], foreign, "wrong team"),  # another team's channel
        services.Post(people["expert"], channel, "reply", thread=999_999),  # no such thread
        services.Post(people["expert"], channel, "second"),
    ])
    assert [type(o).__name__ for o in outcomes] == ["Message", "ValidationError", "PermissionDenied",
                                                    "DoesNotExist", "ValidationError", "Message"]
    assert isinstance(outcomes[3], ObjectDoesNotExist)
    assert [o.event.seq for o in (outcomes[0], outcomes[5])] == [before + 1, before + 2]
    assert list(Message.objects.filter(team=team).order_by("pk").values_list("body", flat=True)) == ["first", "second"]
    assert not Message.objects.filter(channel=foreign).exists()
    assert Team.objects.get(pk=team.pk).last_seq == before + 2


def test_the_rate_limit_counts_each_persons_posts_in_a_batch(people, team, settings):
    settings.DISCUSSION_POST_RATE = (3, 30)
    channel = general(team)
    outcomes = services.post_messages(team, [services.Post(people[name], channel, f"{name} {n}")
                                             for n in range(5) for name in ("lead", "expert")])
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 4 and all(o.code == "rate_limited" for o in refused)
    assert sorted(Message.objects.filter(team=team).values_list("body", flat=True)) == [
        "expert 0", "expert 1", "expert 2", "lead 0", "lead 1", "lead 2"]


async def test_one_socket_may_send_many_posts_without_waiting(people, team):
    """Pipelined: the answers come in the order sent, with increasing seqs, and a ping after them."""
    channel = await sync_to_async(general)(team)
    writer = await connect(people["expert"], team)
    try:
        for n in range(8):
            await writer.send_json_to({"type": "message.post", "id": f"p{n}", "channel": channel.pk,
                                       "body": "x" * 10_001 if n == 3 else f"post {n}"})
        await writer.send_json_to({"type": "ping", "id": "after"})
        answers = []
        while True:
            frame = await writer.receive_json_from(timeout=5)
            if frame["type"] in ("ack", "error", "pong"):
                answers.append(frame)
            if frame["type"] == "pong":
                break
        assert [a["id"] for a in answers] == [f"p{n}" for n in range(8)] + ["after"]
        assert answers[3]["type"] == "error" and answers[3]["code"] == "invalid"
        seqs = [a["seq"] for a in answers[:8] if a["type"] == "ack"]
        assert seqs == list(range(seqs[0], seqs[0] + 7))
        bodies = await sync_to_async(lambda: list(Message.objects.filter(team=team).order_by("pk")
                                                  .values_list("body", flat=True)))()
        assert bodies == [f"post {n}" for n in range(8) if n != 3]
    finally:
        await writer.disconnect()


async def test_posts_from_many_sockets_are_all_answered_and_numbered_once(people, team, monkeypatch):
    """While the first batch is being written the other posts queue up, and go as one batch."""
    from realtime import group_commit
    from teams import events

    rings = []
    real_ring = events.ring
    monkeypatch.setattr(events, "ring", lambda recorded: rings.append(len(recorded)) or real_ring(recorded))
    gate, real_run_batch, batches = asyncio.Event(), group_commit.run_batch, []

    async def first_batch_waits(command, team_id, requests):
        batches.append(len(requests))
        await gate.wait()
        return await real_run_batch(command, team_id, requests)

    monkeypatch.setattr(group_commit, "run_batch", first_batch_waits)
    channel = await sync_to_async(general)(team)
    names = ["lead", "expert", "supporter"]
    sockets = [await connect(people[name], team) for name in names]
    reader = await connect(people["observer"], team)
    try:
        for round_ in range(4):
            for name, socket in zip(names, sockets):
                await socket.send_json_to({"type": "message.post", "id": f"{name}{round_}", "channel": channel.pk,
                                           "body": f"{name} {round_}"})
        loop = asyncio.get_running_loop()

        def queued():
            return len(group_commit._waiting.get(loop, {}).get(("message.post", team.pk), []))

        async with asyncio.timeout(5):
            while sum(batches[:1]) + queued() < 12:  # until the consumers have read every frame
                await asyncio.sleep(0.01)
        gate.set()
        acks = {}
        for name, socket in zip(names, sockets):
            for _ in range(4):
                ack = await until_answer(socket)
                acks[ack["id"]] = ack["seq"]
        assert len(acks) == 12 and sorted(acks.values()) == list(range(min(acks.values()), min(acks.values()) + 12))
        for name in names:  # each person's posts in the order sent
            assert [acks[f"{name}{r}"] for r in range(4)] == sorted(acks[f"{name}{r}"] for r in range(4))
        seen = []
        while len(seen) < 12:
            frame = await reader.receive_json_from(timeout=5)
            if frame["type"] == "event":
                seen.append(frame["seq"])
        assert seen == sorted(acks.values())  # the reader gets every event once, in order
        # The first batch, and everything that queued behind it as one more (one ring per post without it).
        assert sum(rings) == 12 and len(rings) <= 2 and rings == batches
        assert await sync_to_async(Event.objects.filter(team=team, kind="message.posted").count)() == 12
    finally:
        for socket in sockets + [reader]:
            await socket.disconnect()


async def until_answer(socket):
    frame, _skipped = await until(socket, lambda f: f["type"] in ("ack", "error"))
    assert frame["type"] == "ack", frame
    return frame
