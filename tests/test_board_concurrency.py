"""Concurrent moves for real: threads racing in the database, and two daphne processes over Redis.

One move of a card wins, every other one naming the same version is refused as stale;
nothing is lost silently and every client ends on the same board.
"""
import asyncio
import json
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from teams.board.cards import create_card, move_card
from teams.board.models import Card, Column
from teams.models import Event
from tests.conftest import Daphne, missing
from tests.ws_client import live_socket, next_event, request, session_cookie, until

pytestmark = pytest.mark.django_db(transaction=True)


def board_columns(team):
    return list(Column.objects.filter(team=team, archived=False).order_by("rank"))


def test_racing_threads_one_move_wins_the_rest_are_stale(people, team):
    cols = board_columns(team)
    card = Card.objects.get(pk=create_card(people["lead"], team, column=cols[0], title="Hot").data["card"])
    movers = [people["lead"], people["expert"], people["supporter"], people["manager"]]
    barrier = threading.Barrier(len(movers))
    results = {}

    def move(n, user):
        try:
            barrier.wait(timeout=10)
            move_card(user, Card.objects.get(pk=card.pk), column=cols[n + 1], after=None, version=1)
            results[n] = "moved"
        except ValidationError as error:
            results[n] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(n, user)) for n, user in enumerate(movers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["moved", "stale", "stale", "stale"]
    winner = next(n for n, result in results.items() if result == "moved")
    card.refresh_from_db()
    assert card.column_id == cols[winner + 1].pk and card.version == 2
    moves = list(Event.objects.filter(team=team, kind="card.moved"))
    assert len(moves) == 1 and moves[0].data["column"] == card.column_id


@pytest.fixture
def two_daphnes(transactional_db):
    if not settings.REDIS_URL:
        missing("needs Redis (REDIS_URL) so that two daphne processes share the channel layer")
    connection.close()
    servers = [Daphne(), Daphne()]
    yield servers
    for server in servers:
        server.stop()


@pytest.mark.integration
def test_two_clients_on_two_daphnes_move_the_same_card_at_once(two_daphnes, people, team):
    cols = board_columns(team)
    card = Card.objects.get(pk=create_card(people["lead"], team, column=cols[0], title="Hot").data["card"])
    seen = type(team).objects.get(pk=team.pk).last_seq
    cookies = [session_cookie(people["lead"]), session_cookie(people["expert"])]
    targets = [cols[2].pk, cols[3].pk]

    async def scenario():
        sockets = [await live_socket(server, f"/ws/teams/{team.slug}/", cookie)
                   for server, cookie in zip(two_daphnes, cookies)]
        try:
            for socket in sockets:
                await socket.send(json.dumps({"type": "resume", "after": seen}))
                await until(socket, lambda f: f["type"] == "resumed", timeout=10)

            def move(n):
                return request(sockets[n], {"type": "card.move", "id": f"m{n}", "card": card.pk, "column": targets[n],
                                            "after": None, "version": 1}, timeout=10)
            answers = await asyncio.gather(move(0), move(1))
            kinds = sorted(answer["type"] for answer in answers)
            assert kinds == ["ack", "error"]
            winner = next(n for n, answer in enumerate(answers) if answer["type"] == "ack")
            # Each client, on its own daphne, converges on the one card.moved event (seen before or after the answer:
            # request() holds an event that came first).
            for socket in sockets:
                event = await next_event(socket, timeout=10)
                assert event["event"] == "card.moved" and event["data"]["column"] == targets[winner]
                assert event["seq"] == seen + 1
            return targets[winner]
        finally:
            for socket in sockets:
                await socket.close()

    winner_column = asyncio.run(scenario())
    card.refresh_from_db()
    assert card.column_id == winner_column and card.version == 2
