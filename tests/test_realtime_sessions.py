"""A socket authenticates once: logout, deactivation, password change and removal from the cluster
reach a person's open sockets at once (realtime/sessions.py); another person's socket is unaffected.

Over the real ASGI stack (WebsocketCommunicator, session cookie, Origin), and once against a live daphne.
"""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client

from realtime import presence
from realtime.sessions import CLOSE_FORBIDDEN, CLOSE_SIGNED_OUT
from teams.board.models import Card, Column
from teams.models import ClusterRole
from tests.conftest import make_user
from tests.discussion_helpers import general
from tests.test_realtime_core import WAIT, live_login
from tests.ws_client import closed_with, connect, open_socket, receive, request, session_cookie, until

pytestmark = pytest.mark.django_db(transaction=True)


def logged_in(user):
    """A test client logged in as `user` and its session cookie (what the sockets open with)."""
    client = Client()
    client.force_login(user)
    return client, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def open_bell(cookie):
    connected, bell = await open_socket(None, path="/ws/me/", cookie=cookie)
    assert connected
    return bell


def log_out(client, user):
    assert client.post("/logout/").status_code == 302


def deactivate(client, user):
    user.is_active = False
    user.save()


def change_password(client, user):
    user.set_password("a new one")
    user.save()


def delete(client, user):
    user.delete()


def leave_the_advisory_board(client, user):
    Group.objects.get(name=ClusterRole.ADVISORY_BOARD).user_set.remove(user)


def stop_managing_the_field(client, user):
    user.profile.fields_of_action.clear()


@pytest.mark.parametrize("change, person, team_close, bell_closes", [
    (log_out, "expert", CLOSE_SIGNED_OUT, True),
    (deactivate, "expert", CLOSE_SIGNED_OUT, True),
    (change_password, "expert", CLOSE_SIGNED_OUT, True),
    (delete, "reader", CLOSE_SIGNED_OUT, True),
    # Reads every team only as a cluster body: no longer. Still signed in, so the bell stays.
    (leave_the_advisory_board, "advisor", CLOSE_FORBIDDEN, False),
    (stop_managing_the_field, "field_manager", CLOSE_FORBIDDEN, False),  # of the team's field (LST), not a member
])
async def test_a_change_closes_the_persons_sockets_and_refuses_the_next_command(
        people, team, change, person, team_close, bell_closes):
    if person == "reader":  # someone to delete, who has written nothing
        people[person] = await database_sync_to_async(make_user)("reader", ClusterRole.EXPERT_PANEL)
    user = people[person]
    client, cookie = await database_sync_to_async(logged_in)(user)
    socket = await connect(user, team, cookie=cookie)
    bell = await open_bell(cookie)
    other = await connect(people["lead"], team)
    column = await database_sync_to_async(lambda: Column.objects.filter(team=team).first())()
    channel = await database_sync_to_async(general)(team)
    try:
        await database_sync_to_async(change)(client, user)
        frames = []
        assert await closed_with(socket, skipped=frames) == team_close
        if team_close == CLOSE_FORBIDDEN:
            assert frames[-1]["type"] == "error" and frames[-1]["code"] == "forbidden"
        # A command that arrives after the close is not run (nor answered).
        await socket.send_json_to({"type": "card.create", "id": "late", "column": column.pk, "title": "After"})
        await socket.disconnect()  # returns once the consumer has handled every frame before it
        assert await socket.receive_nothing()
        assert not await database_sync_to_async(Card.objects.filter(title="After").exists)()

        if bell_closes:
            assert await closed_with(bell) == CLOSE_SIGNED_OUT
        else:
            await bell.send_json_to({"type": "ping", "id": "still"})
            assert (await until(bell, lambda f: f["type"] == "pong"))["id"] == "still"

        # Another person on the same team works on.
        answer = await request(other, {"type": "message.post", "id": "on", "channel": channel.pk, "body": "on"})
        assert answer["type"] == "ack" and answer["seq"]
    finally:
        await socket.disconnect()
        await bell.disconnect()
        await other.disconnect()


async def test_another_session_of_the_same_person_stays_open_after_a_logout(people, team):
    user = people["expert"]
    leaving, leaving_cookie = await database_sync_to_async(logged_in)(user)
    _staying, staying_cookie = await database_sync_to_async(logged_in)(user)
    gone = await connect(user, team, cookie=leaving_cookie)
    kept = await connect(user, team, cookie=staying_cookie)
    try:
        await database_sync_to_async(log_out)(leaving, user)
        assert await closed_with(gone) == CLOSE_SIGNED_OUT
        await kept.send_json_to({"type": "ping", "id": "kept"})
        assert (await until(kept, lambda f: f["type"] == "pong"))["id"] == "kept"
    finally:
        await gone.disconnect()
        await kept.disconnect()


async def test_a_lost_ring_is_made_up_for_by_the_heartbeat(people, team, monkeypatch):
    monkeypatch.setattr(presence, "HEARTBEAT", 0.2)
    user = people["expert"]
    _client, cookie = await database_sync_to_async(logged_in)(user)
    socket = await connect(user, team, cookie=cookie)
    bell = await open_bell(cookie)
    try:
        # An update() sends no signal: nothing rings, as when the layer loses the ring.
        await database_sync_to_async(
            lambda: type(user).objects.filter(pk=user.pk).update(is_active=False))()
        assert await closed_with(socket) == CLOSE_SIGNED_OUT
        assert await closed_with(bell) == CLOSE_SIGNED_OUT
    finally:
        await socket.disconnect()
        await bell.disconnect()


async def test_logging_out_on_a_live_daphne_closes_the_sockets_of_that_session(people, team, daphne_server):
    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import ConnectionClosed

    opener, post, jar = await asyncio.to_thread(live_login, people["expert"], daphne_server.url)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    other_cookie = await database_sync_to_async(session_cookie)(people["lead"])
    channel = await database_sync_to_async(general)(team)
    options = dict(origin=daphne_server.url, open_timeout=WAIT)
    url = f"{daphne_server.ws_url}/ws/teams/{team.slug}/"
    async with ws_connect(url, additional_headers={"Cookie": cookie}, **options) as socket, \
            ws_connect(f"{daphne_server.ws_url}/ws/me/", additional_headers={"Cookie": cookie}, **options) as bell, \
            ws_connect(url, additional_headers={"Cookie": other_cookie}, **options) as other:
        for each in (socket, other):
            await each.send(json.dumps({"type": "resume", "after": 0}))
        await bell.send(json.dumps({"type": "ping", "id": "open"}))
        assert (await receive(bell, WAIT))["type"] == "pong"

        opener.open(daphne_server.url + "/my/", timeout=WAIT).read()  # a page with the logout form's token
        assert await asyncio.to_thread(post, "/logout/", {}) == 302

        for closed in (socket, bell):
            with pytest.raises(ConnectionClosed) as ended:
                while True:
                    await asyncio.wait_for(closed.recv(), WAIT)
            assert ended.value.rcvd.code == CLOSE_SIGNED_OUT
        with pytest.raises(ConnectionClosed):  # the next command goes nowhere
            await socket.send(json.dumps({"type": "message.post", "id": "x", "channel": channel.pk, "body": "x"}))

        await other.send(json.dumps({"type": "message.post", "id": "on", "channel": channel.pk, "body": "on"}))
        frame = await until(other, lambda f: f.get("id") == "on", timeout=WAIT)
        assert frame["type"] == "ack" and frame["seq"]
