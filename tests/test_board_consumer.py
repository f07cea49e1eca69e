"""The board over WebSockets, through the real ASGI stack (channels' WebsocketCommunicator).

Every test disconnects its clients; bad frames must leave the database and the other
clients untouched (the other client's next frame is the next real event).
"""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async as sync_to_async  # closes its connections

from teams.board.cards import create_card
from teams.board.models import Card, Column
from teams.models import Event
from tests.matrix import VISITORS, may, roles_that
from tests.ws_client import connect, next_event, nothing_pending, open_socket, request

pytestmark = pytest.mark.django_db(transaction=True)


def board_columns(team):
    return list(Column.objects.filter(team=team, archived=False).order_by("rank"))


def card_in(team, title, people, column_index=0):
    event = create_card(people["expert"], team, column=board_columns(team)[column_index], title=title)
    return Card.objects.get(pk=event.data["card"])


@pytest.fixture
def board(people, team):
    cols = board_columns(team)
    cards = [card_in(team, title, people) for title in ("First", "Second", "Third")]
    return {"team": team, "columns": cols, "cards": cards}


async def test_member_receives_live_events_and_the_sender_an_ack(people, board):
    team, (backlog, todo, *_), (first, *_rest) = board["team"], board["columns"], board["cards"]
    mover = await connect(people["expert"], team)
    watcher = await connect(people["observer"], team)
    try:
        ack = await request(mover, {"type": "card.move", "id": "m1", "card": first.pk, "column": todo.pk,
                                    "after": None, "version": 1})
        assert ack["type"] == "ack" and isinstance(ack["seq"], int)
        event = await next_event(watcher)
        assert event["event"] == "card.moved" and event["seq"] == ack["seq"]
        assert event["data"]["card"] == first.pk and event["data"]["column"] == todo.pk
        assert event["data"]["from_column"] == backlog.pk and event["data"]["version"] == 2
        assert (await next_event(mover))["seq"] == ack["seq"]  # the mover sees it too, once
        assert await nothing_pending(mover) and await nothing_pending(watcher)
    finally:
        await mover.disconnect()
        await watcher.disconnect()


@pytest.mark.parametrize("who", roles_that("view", allowed=False, among=VISITORS))
async def test_non_members_and_anonymous_are_refused(people, board, who):
    connected, communicator = await open_socket(people.get(who), board["team"])
    try:
        assert not connected
    finally:
        await communicator.disconnect()


async def test_foreign_origin_is_refused(people, board):
    connected, communicator = await open_socket(people["expert"], board["team"], origin="http://evil.example")
    try:
        assert not connected
    finally:
        await communicator.disconnect()


async def test_read_only_roles_get_forbidden_and_nothing_is_written(people, board):
    team, cols, (first, *_) = board["team"], board["columns"], board["cards"]
    for role in [role for role in roles_that("view") if not may(role, "contribute")]:
        client = await connect(people[role], team)
        try:
            before = await sync_to_async(Event.objects.count)()
            error = await request(client, {"type": "card.move", "id": "x", "card": first.pk, "column": cols[1].pk,
                                           "version": 1})
            assert error["type"] == "error" and error["code"] == "forbidden", role
            error = await request(client, {"type": "column.create", "id": "y", "name": "Mine"})
            assert error["code"] == "forbidden"
            assert await sync_to_async(Event.objects.count)() == before
        finally:
            await client.disconnect()


async def test_resume_replays_exactly_the_missed_events_in_order(people, board):
    team, cols, cards = board["team"], board["columns"], board["cards"]
    seen = await sync_to_async(lambda: type(team).objects.get(pk=team.pk).last_seq)()
    mover = await connect(people["lead"], team)
    try:
        for n, card in enumerate(cards):
            ack = await request(mover, {"type": "card.move", "id": f"m{n}", "card": card.pk, "column": cols[2].pk,
                                        "after": None, "version": 1})
            assert ack["type"] == "ack"
        ack = await request(mover, {"type": "column.update", "id": "c", "column": cols[2].pk, "name": "Doing",
                                    "wip_limit": 2, "is_done": False})
        latest = ack["seq"]
    finally:
        await mover.disconnect()
    # A client that dropped after `seen` comes back: it gets seen+1 … latest, once each, in order.
    late = await connect(people["observer"], team, after=seen)
    try:
        seqs = [frame["seq"] for frame in late.replayed]
        assert seqs == list(range(seen + 1, latest + 1))
        assert [frame["event"] for frame in late.replayed] == ["card.moved"] * 3 + ["column.updated"]
        assert late.seq == latest
        assert await nothing_pending(late)
    finally:
        await late.disconnect()


async def test_two_clients_move_the_same_card_at_once(people, board):
    """One move wins, the other is refused as stale; both clients converge on the winner."""
    team, cols, (first, *_) = board["team"], board["columns"], board["cards"]
    alice = await connect(people["expert"], team)
    bob = await connect(people["lead"], team)
    try:
        frames = [{"type": "card.move", "id": "a", "card": first.pk, "column": cols[1].pk, "version": 1},
                  {"type": "card.move", "id": "b", "card": first.pk, "column": cols[3].pk, "version": 1}]
        answers = await asyncio.gather(request(alice, frames[0]), request(bob, frames[1]))
        kinds = sorted(answer["type"] for answer in answers)
        assert kinds == ["ack", "error"]
        loser = next(answer for answer in answers if answer["type"] == "error")
        assert loser["code"] == "stale" and "changed" in loser["message"]
        winner_column = cols[1].pk if answers[0]["type"] == "ack" else cols[3].pk
        card = await sync_to_async(Card.objects.get)(pk=first.pk)
        assert card.column_id == winner_column and card.version == 2
        for client in (alice, bob):  # both hold exactly one card.moved, naming the winner's column
            event = await next_event(client)
            assert event["event"] == "card.moved" and event["data"]["column"] == winner_column
            assert event["data"]["version"] == 2
            assert await nothing_pending(client)
        assert await sync_to_async(Event.objects.filter(team=team, kind="card.moved").count)() == 1
        # The loser retries with the version from the event and succeeds.
        retry = await request(bob, {"type": "card.move", "id": "b2", "card": first.pk, "column": cols[3].pk,
                                    "version": 2})
        assert retry["type"] == "ack"
    finally:
        await alice.disconnect()
        await bob.disconnect()


def bad_frames(board, foreign_card, foreign_column):
    cols, (first, second, _third) = board["columns"], board["cards"]
    return [
        ("not json", "{card.move", "bad_json"),
        ("unknown type", {"type": "card.teleport", "id": "x", "card": first.pk}, "unknown_type"),
        ("card of another team", {"type": "card.move", "id": "x", "card": foreign_card, "column": cols[1].pk,
                                  "version": 1}, "not_found"),
        ("column of another team", {"type": "card.move", "id": "x", "card": first.pk, "column": foreign_column,
                                    "version": 1}, "not_found"),
        ("after a card of another team", {"type": "card.move", "id": "x", "card": first.pk, "column": cols[1].pk,
                                          "after": foreign_card, "version": 1}, "not_found"),
        ("missing fields", {"type": "card.move", "id": "x", "card": first.pk}, "invalid"),
        ("wrong types", {"type": "card.move", "id": "x", "card": "first", "column": [1], "version": "v"}, "invalid"),
        ("1 MB payload", json.dumps({"type": "card.create", "id": "x", "column": cols[0].pk,
                                     "title": "x" * (1024 * 1024)}), "too_large"),
        ("stale version", {"type": "card.move", "id": "x", "card": first.pk, "column": cols[1].pk,
                           "version": 7}, "stale"),
        ("html in a title", {"type": "card.create", "id": "x", "column": cols[0].pk,
                             "title": "<script>alert(1)</script>"}, "invalid"),
        ("below itself", {"type": "card.move", "id": "x", "card": second.pk, "column": cols[0].pk,
                          "after": second.pk, "version": 1}, "invalid"),
        ("a column change by an expert", {"type": "column.archive", "id": "x", "column": cols[0].pk}, "forbidden"),
        # Each field takes only its JSON type: no "['x']" titles, no "false" that reads as true, no 2.0 limits.
        ("title a list", {"type": "card.create", "id": "x", "column": cols[0].pk, "title": ["x"]}, "invalid"),
        ("title a number", {"type": "card.rename", "id": "x", "card": first.pk, "title": 5, "version": 1}, "invalid"),
        ("done as text", {"type": "checklist.check", "id": "x", "item": 1, "done": "false"}, "invalid"),
        ("done a number", {"type": "checklist.check", "id": "x", "item": 1, "done": 0}, "invalid"),
        ("version a bool", {"type": "card.archive", "id": "x", "card": first.pk, "version": True}, "invalid"),
        ("version past its column", {"type": "card.archive", "id": "x", "card": first.pk, "version": 2**31},
         "invalid"),
        ("wip limit a float", {"type": "column.create", "id": "x", "name": "c", "wip_limit": 2.0}, "invalid"),
        ("position a list", {"type": "card.create", "id": "x", "column": cols[0].pk, "title": "t",
                             "position": ["top"]}, "invalid"),
        ("surrogate in a title", f'{{"type": "card.create", "column": {cols[0].pk}, "title": "\\ud800"}}',
         "invalid"),
        ("surrogate in a column", '{"type": "column.create", "name": "\\udc00"}', "invalid"),
    ]


async def test_bad_frames_get_an_error_for_that_client_only(people, board, make_team):
    team, cols = board["team"], board["columns"]

    def foreign():
        other = make_team(name="Someone else's team")
        column = board_columns(other)[0]
        card = create_card(people["lead"], other, column=column, title="Theirs")
        return card.data["card"], column.pk
    foreign_card, foreign_column = await sync_to_async(foreign)()
    sender = await connect(people["lead"], team)
    expert = await connect(people["expert"], team)
    bystander = await connect(people["observer"], team)
    try:
        for name, frame, code in bad_frames(board, foreign_card, foreign_column):
            client = expert if name == "a column change by an expert" else sender
            before = await sync_to_async(lambda: (Event.objects.count(), Card.objects.count(),
                                                  list(Card.objects.values_list("column_id", "rank", "version"))))()
            error = await request(client, frame)
            assert error["type"] == "error", name
            assert error["code"] == code, (name, error)
            assert error["message"], name
            after = await sync_to_async(lambda: (Event.objects.count(), Card.objects.count(),
                                                 list(Card.objects.values_list("column_id", "rank", "version"))))()
            assert after == before, f"{name} wrote something"
        # The sockets still work and the bystander got nothing but the next real event.
        ack = await request(sender, {"type": "card.create", "id": "ok", "column": cols[0].pk, "title": "Fine"})
        assert ack["type"] == "ack"
        event = await next_event(bystander)
        assert event["event"] == "card.created" and event["seq"] == ack["seq"]
    finally:
        for client in (sender, expert, bystander):
            await client.disconnect()


async def test_column_commands_and_card_create_over_the_socket(people, board):
    team = board["team"]
    lead = await connect(people["supporter"], team)
    try:
        created = await request(lead, {"type": "column.create", "id": "1", "name": "Blocked", "wip_limit": 2})
        assert created["type"] == "ack"
        column = await sync_to_async(Column.objects.get)(team=team, name="Blocked")
        assert column.wip_limit == 2
        move = {"type": "column.move", "id": "2", "column": column.pk, "after": None}
        assert (await request(lead, move))["type"] == "ack"
        names = await sync_to_async(lambda: [c.name for c in board_columns(team)])()
        assert names[0] == "Blocked"
        ack = await request(lead, {"type": "card.create", "id": "3", "column": column.pk, "title": "Waiting"})
        assert ack["type"] == "ack"
        card = await sync_to_async(Card.objects.get)(title="Waiting")
        assert (await request(lead, {"type": "card.rename", "id": "4", "card": card.pk, "title": "Still waiting",
                                     "version": 1}))["type"] == "ack"
        archive = {"type": "card.archive", "id": "5", "card": card.pk, "version": 2}
        assert (await request(lead, archive))["type"] == "ack"
        assert (await request(lead, {"type": "column.archive", "id": "6", "column": column.pk}))["type"] == "ack"
        kinds = await sync_to_async(lambda: list(Event.objects.filter(team=team).order_by("-seq")
                                                 .values_list("kind", flat=True)[:6]))()
        assert kinds == ["column.archived", "card.archived", "card.updated", "card.created", "column.moved",
                         "column.created"]
    finally:
        await lead.disconnect()


async def test_seeded_fuzz_of_board_frames_never_crashes(people, board, settings):
    """Hostile values in every board command: an answer with a known code each time, never a server error,
    and a refused frame writes nothing."""
    import random

    team, cols, cards = board["team"], board["columns"], board["cards"]
    settings.WS_RATE_PER_SECOND, settings.WS_RATE_BURST = 10_000, 10_000  # fuzz the commands, not the limiter
    rng = random.Random(20261125)
    answers = []
    values = [None, 0, -1, 1, 2 ** 63, 1.5, True, "", "x", "1", "<b>", "🙂" * 50, [], [1], {}, {"a": 1},
              cols[0].pk, cols[1].pk, cards[0].pk, cards[1].pk, 999999]
    kinds = ["card.create", "card.move", "card.rename", "card.archive", "checklist.check", "column.create",
             "column.update", "column.move", "column.archive"]
    fields = ["card", "column", "after", "version", "title", "name", "wip_limit", "is_done", "item", "done",
              "position"]
    client = await connect(people["expert"], team)
    try:
        for n in range(150):
            live = await sync_to_async(lambda: list(Card.objects.filter(team=team, archived=False)
                                                    .values_list("pk", "version")))()
            card, version = rng.choice(live)
            valid = {  # a valid frame of each kind (for an expert), then mutated
                "card.create": {"column": cols[1].pk, "title": f"t{n}"},
                "card.move": {"card": card, "column": rng.choice(cols).pk, "after": None, "version": version},
                "card.rename": {"card": card, "title": f"r{n}", "version": version},
                "card.archive": {"card": card, "version": version},
                "checklist.check": {"item": 1, "done": True},
                "column.create": {"name": "c"}, "column.update": {"column": cols[0].pk, "name": "c"},
                "column.move": {"column": cols[0].pk}, "column.archive": {"column": cols[0].pk},
            }
            kind = rng.choice(kinds if len(live) > 2 else [k for k in kinds if k != "card.archive"])
            frame = {"type": kind, "id": f"f{n}", **valid[kind]}
            for field in rng.sample(fields, rng.choice([0, 0, 1, 2, 4])):
                if rng.random() < 0.2:
                    frame.pop(field, None)
                else:
                    frame[field] = rng.choice(values)
            before = await sync_to_async(lambda: Event.objects.count())()
            answer = await request(client, frame)
            answers.append(answer.get("code", "ack"))
            assert answer["type"] in ("ack", "error"), frame
            if answer["type"] == "error":
                assert answer["code"] in {"invalid", "stale", "forbidden", "not_found", "bad_frame"}, (frame, answer)
                assert await sync_to_async(lambda: Event.objects.count())() == before, frame
        assert {"ack", "invalid", "not_found"} <= set(answers), answers  # the fuzz reached the services
    finally:
        await client.disconnect()
