"""Group commit of posts (realtime/group_commit.py, post_messages).

Posts from many sockets — or many from one socket — are written together: each still gets its
own answer, a refused post refuses only its sender and writes nothing, the numbers stay gapless
and in the order the posts were sent, and a socket's answers come in the order of its frames.
"""
import asyncio
import json
import logging

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from teams.discussion import posting
from teams.discussion.models import Message
from teams.discussion.posting import Post, post_messages
from teams.discussion.rendering import render_body
from teams.models import Event, Team
from tests.discussion_helpers import general
from tests.ws_client import connect, until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refused_post_refuses_only_itself(people, team, make_team):
    channel = general(team)
    foreign = general(make_team(name="Elsewhere"))
    before = Team.objects.get(pk=team.pk).last_seq
    outcomes = post_messages(team, [
        Post(people["lead"], channel, "first"),
        Post(people["expert"], channel, "x" * 10_001),  # too long
        Post(people["observer"], channel, "observers read"),  # not allowed
        Post(people["expert"], foreign, "wrong team"),  # another team's channel
        Post(people["expert"], channel, "reply", thread=999_999),  # no such thread
        Post(people["expert"], channel, "second"),
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
    outcomes = post_messages(team, [Post(people[name], channel, f"{name} {n}")
                                             for n in range(5) for name in ("lead", "expert")])
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 4 and all(o.code == "rate_limited" for o in refused)
    assert sorted(Message.objects.filter(team=team).values_list("body", flat=True)) == [
        "expert 0", "expert 1", "expert 2", "lead 0", "lead 1", "lead 2"]


async def test_one_socket_may_send_many_posts_without_waiting(people, team):
    """Pipelined: the answers come in the order sent, with increasing seqs, and a ping after them; also the
    refusals, of the schema (too long) and of the whole frame (a lone surrogate), in their turn."""
    channel = await sync_to_async(general)(team)
    writer = await connect(people["expert"], team)
    try:
        for n in range(8):
            await writer.send_json_to({"type": "message.post", "id": f"p{n}", "channel": channel.pk,
                                       "body": {3: "x" * 10_001, 5: "probe \ud800"}.get(n, f"post {n}")})
        await writer.send_json_to({"type": "ping", "id": "after"})
        answers = []
        while True:
            frame = await writer.receive_json_from(timeout=5)
            if frame["type"] in ("ack", "error", "pong"):
                answers.append(frame)
            if frame["type"] == "pong":
                break
        assert [a["id"] for a in answers] == [f"p{n}" for n in range(8)] + ["after"]
        assert [(a["type"], a.get("code")) for a in answers[3:6:2]] == [("error", "invalid")] * 2
        seqs = [a["seq"] for a in answers[:8] if a["type"] == "ack"]
        assert seqs == list(range(seqs[0], seqs[0] + 6))
        bodies = await sync_to_async(lambda: list(Message.objects.filter(team=team).order_by("pk")
                                                  .values_list("body", flat=True)))()
        assert bodies == [f"post {n}" for n in range(8) if n not in (3, 5)]
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
            return sum(len(queued) for key, queued in group_commit._waiting.get(loop, {}).items()
                       if key[:2] == ("message.post", team.pk))

        async with asyncio.timeout(5):
            while sum(batches[:1]) + queued() < 12:  # until the consumers have read every frame
                await asyncio.sleep(0.01)
        gate.set()
        acks = {}
        for socket in sockets:
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
    frame = await until(socket, lambda f: f["type"] in ("ack", "error"))
    assert frame["type"] == "ack", frame
    return frame


async def test_no_failure_of_one_post_fails_another_in_its_batch(people, team, monkeypatch):
    """Six members post 36 messages at the same moment (they queue behind a held batch and are written
    together). One holds a lone surrogate (valid JSON, but no Unicode text: nh3 and the databases raise on
    it); one makes the service raise an unexpected error. Only those two are refused; every other post is
    acked, stored as sent and numbered once."""
    from realtime import group_commit
    from teams import membership as membership_services
    from teams.models import Membership
    from tests.conftest import make_user

    def more_members():
        added = [make_user(name) for name in ("ute", "vera", "wim")]
        for user in added:
            membership_services.enrol_member(people["manager"], team, user=user, role=Membership.Role.EXPERT)
        return [people["lead"], people["expert"], people["supporter"], *added]

    members = await sync_to_async(more_members)()
    real_render = render_body

    def render_or_fail(team, body, *args, **kwargs):
        if body == "boom":
            raise RuntimeError("a bug in rendering this one post")
        return real_render(team, body, *args, **kwargs)

    monkeypatch.setattr(posting, "render_body", render_or_fail)
    gate, real_run_batch, batches = asyncio.Event(), group_commit.run_batch, []

    async def first_batch_waits(command, team_id, requests):
        batches.append(len(requests))
        if len(batches) == 1:
            await gate.wait()
        return await real_run_batch(command, team_id, requests)

    monkeypatch.setattr(group_commit, "run_batch", first_batch_waits)
    channel = (await sync_to_async(general)(team)).pk
    sockets = [await connect(member, team) for member in members]
    loop = asyncio.get_running_loop()
    tracebacks = []  # (importing the ASGI app re-applies LOGGING, which drops caplog's handler)
    recorder = logging.Handler()
    recorder.emit = lambda record: record.exc_info and tracebacks.append(record.getMessage())
    logging.getLogger("realtime").addHandler(recorder)
    try:
        sent = {}
        for round_ in range(6):
            for n, socket in enumerate(sockets):
                request_id = f"{n}-{round_}"
                body = {(1, 5): "probe \ud800", (4, 3): "boom"}.get((n, round_), f"post {request_id}")
                sent[request_id] = body
                await socket.send_to(text_data=json.dumps({"type": "message.post", "id": request_id,
                                                           "channel": channel, "body": body}))

        def queued():
            return sum(len(queued) for key, queued in group_commit._waiting.get(loop, {}).items()
                       if key[:2] == ("message.post", team.pk))

        async with asyncio.timeout(5):
            while sum(batches[:1]) + queued() < 35:  # all but the surrogate one (its socket's last) are queued
                await asyncio.sleep(0.01)
        gate.set()
        answers = {}
        for socket in sockets:
            for _round in range(6):
                frame = await until(socket, lambda f: f["type"] in ("ack", "error"))
                answers[frame["id"]] = frame
        assert answers["1-5"]["code"] == "invalid", answers["1-5"]
        assert answers["4-3"]["code"] == "server_error", answers["4-3"]
        acked = {request_id: a["seq"] for request_id, a in answers.items() if a["type"] == "ack"}
        assert sorted(acked) == sorted(set(sent) - {"1-5", "4-3"}), answers
        assert sorted(acked.values()) == list(range(min(acked.values()), min(acked.values()) + 34))
        stored = await sync_to_async(lambda: {m.pk: m.body for m in Message.objects.filter(team=team)})()
        events = await sync_to_async(lambda: {e.seq: e.data["message"] for e in Event.objects.filter(
            team=team, kind="message.posted")})()
        assert {request_id: stored[events[seq]] for request_id, seq in acked.items()} == {
            request_id: sent[request_id] for request_id in acked}
        assert len(stored) == 34
        assert tracebacks == ["command message.post failed"]  # the bug's own post, nothing else
    finally:
        logging.getLogger("realtime").removeHandler(recorder)
        for socket in sockets:
            await socket.disconnect()


async def test_an_unreachable_database_fails_a_batch_at_once(people, team, monkeypatch):
    """Not post by post: each alone would wait for the database again (a fault injected where it would arise)."""
    from django.db import OperationalError

    from realtime import group_commit
    from realtime.protocol import COMMANDS

    calls = []

    async def database_down(command, team_id, requests):
        calls.append(len(requests))
        raise OperationalError("connection refused")

    monkeypatch.setattr(group_commit, "run_batch", database_down)
    outcomes = await group_commit._outcomes(COMMANDS["message.post"], team.pk, [(people["lead"], {})] * 3)
    assert calls == [3] and [type(o) for o in outcomes] == [OperationalError] * 3
