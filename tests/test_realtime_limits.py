"""WebSocket hardening of the team socket: idle timeout, maximum frame size, rate limit.

Over the real ASGI stack (WebsocketCommunicator, session cookie, Origin). The idle timeout is
made tiny by the settings fixture and the test awaits the close frame: no sleeps.
"""
import asyncio
import json
from pathlib import Path

import pytest
from channels.db import database_sync_to_async

from realtime.limits import CLOSE_FLOOD
from realtime.server import SERVER_RESTART, daphne_limit_args
from realtime.sessions import CLOSE_IDLE
from teams.discussion.models import Message
from tests.discussion_helpers import general
from tests.ws_client import closed_with, connect, connected, eventually, pinging_outlives_quiet, session_cookie, until

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_silent_socket_is_closed_after_the_idle_timeout(people, team, settings):
    settings.WS_IDLE_SECONDS = 0.3
    socket = await connect(people["expert"], team)  # resumed: it sent a frame, then nothing
    try:
        assert await closed_with(socket) == CLOSE_IDLE
    finally:
        await socket.disconnect()


async def test_pings_keep_a_socket_open(people, team, settings):
    settings.WS_IDLE_SECONDS = 1
    quiet = await connect(people["lead"], team)
    pinging = await connect(people["expert"], team)
    await pinging_outlives_quiet(quiet, pinging, idle_seconds=settings.WS_IDLE_SECONDS)


async def test_an_oversized_frame_is_refused_and_nothing_is_written(people, team, settings):
    settings.WS_MAX_FRAME_BYTES = 1024
    channel = await database_sync_to_async(general)(team)
    async with connected(people["lead"], team) as socket:
        before = await database_sync_to_async(Message.objects.count)()
        await socket.send_to(text_data=json.dumps({"type": "message.post", "id": "big", "channel": channel.pk,
                                                   "body": "x" * 2000}))
        error = await until(socket, lambda f: f["type"] == "error")
        assert error["code"] == "too_large" and error["message"]
        await socket.send_to(bytes_data=b"{" + b" " * 2000 + b"}")
        error = await until(socket, lambda f: f["type"] == "error")
        assert error["code"] == "too_large"
        assert await database_sync_to_async(Message.objects.count)() == before
        # the connection still works
        await socket.send_json_to({"type": "message.post", "id": "ok", "channel": channel.pk, "body": "small"})
        ack = await until(socket, lambda f: f["type"] == "ack")
        assert ack["id"] == "ok" and ack["seq"]


async def test_the_frame_limit_counts_bytes_as_sent_not_characters(people, team, settings):
    settings.WS_MAX_FRAME_BYTES = 1024
    channel = await database_sync_to_async(general)(team)
    async with connected(people["lead"], team) as socket:
        before = await database_sync_to_async(Message.objects.count)()
        for body in ("é" * 600, "😄" * 300):  # under 1,024 characters, over 1,024 bytes in UTF-8
            text = json.dumps({"type": "message.post", "id": "wide", "channel": channel.pk, "body": body},
                              ensure_ascii=False)
            assert len(text) < 1024 < len(text.encode())
            await socket.send_to(text_data=text)
            error = await until(socket, lambda f: f["type"] == "error")
            assert error["code"] == "too_large"
        assert await database_sync_to_async(Message.objects.count)() == before


@pytest.mark.parametrize("request_id", [True, False, 1.5, ["a"], "x" * 65])
async def test_a_request_id_is_a_short_string_or_an_integer(people, team, request_id):
    async with connected(people["lead"], team) as socket:
        await socket.send_json_to({"type": "ping", "id": request_id})
        error = await until(socket, lambda f: f["type"] in ("error", "pong"))
        assert error["type"] == "error" and error["code"] == "bad_frame" and error["id"] is None


async def test_a_flood_is_rate_limited_into_errors(people, team, settings):
    settings.WS_RATE_PER_SECOND = 1
    settings.WS_RATE_BURST = 5
    async with connected(people["lead"], team) as socket:
        for i in range(20):
            await socket.send_json_to({"type": "ping", "id": f"f{i}"})
        replies = []
        while len(replies) < 20:
            frame = await until(socket, lambda f: f["type"] in ("pong", "error"))
            replies.append(frame)
        limited = [f for f in replies if f["type"] == "error"]
        assert all(f["code"] == "rate_limited" for f in limited)
        # the burst of 5 (the resume took one token) passes, then about one a second; the rest is refused
        assert [f["type"] for f in replies[:4]] == ["pong"] * 4
        assert 10 <= len(limited) <= 16


async def test_a_flood_closes_the_socket_and_others_keep_working(people, team, settings):
    settings.WS_RATE_PER_SECOND = 1
    settings.WS_RATE_BURST = 5
    settings.WS_FLOOD_CLOSE_AFTER = 10
    channel = await database_sync_to_async(general)(team)
    flooder = await connect(people["expert"], team)
    other = await connect(people["lead"], team)
    try:
        for i in range(200):
            await flooder.send_json_to({"type": "message.post", "id": f"f{i}", "channel": channel.pk, "body": "x"})
        replies = []
        while True:
            output = await flooder.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                assert output["code"] == CLOSE_FLOOD
                break
            replies.append(json.loads(output["text"]))
        refused = [f for f in replies if f["type"] == "error"]
        assert len(refused) == 10 and all(f["code"] == "rate_limited" for f in refused)
        await flooder.disconnect()  # returns once the consumer is done: answers of its queued posts included
        assert await flooder.receive_nothing()  # nothing is sent after the close
        assert len([f for f in replies if f["type"] == "ack"]) <= 6  # the burst, not the 200
        await other.send_json_to({"type": "message.post", "id": "me", "channel": channel.pk, "body": "still here"})
        ack = await until(other, lambda f: f["type"] == "ack" and f["id"] == "me")
        assert ack["seq"]
    finally:
        await flooder.disconnect()
        await other.disconnect()


def test_daphne_is_started_with_its_own_frame_limit(settings):
    settings.WS_MAX_FRAME_BYTES = 64 * 1024
    args = daphne_limit_args()
    assert args == ["--websocket-max-message-size", "131072", "--websocket-max-frame-size", "131072"]
    procfile = open(settings.BASE_DIR / "Procfile").read()
    assert "web: python -m realtime.server " in procfile  # which adds them (and the 1009 close below)


async def test_a_live_daphne_refuses_a_large_frame_clearly_and_a_huge_one_with_1009(people, team, daphne_server):
    """The server's part (daphne started by realtime.server), seen by an independent client."""
    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import ConnectionClosed

    cookie = await database_sync_to_async(session_cookie)(people["lead"])
    channel = await database_sync_to_async(general)(team)

    def answer(socket, kind):
        return until(socket, lambda f: f["type"] == kind, timeout=10)

    async with ws_connect(f"{daphne_server.ws_url}/ws/teams/{team.slug}/", origin=daphne_server.url,
                          additional_headers={"Cookie": cookie}, open_timeout=10) as socket:
        # Over WS_MAX_FRAME_BYTES (64 KiB), under daphne's limit: the consumer's error, the socket stays.
        await socket.send(json.dumps({"type": "message.post", "id": "big", "channel": channel.pk,
                                      "body": "x" * 100_000}))
        assert (await answer(socket, "error"))["code"] == "too_large"  # (unparsed: its id is not known)
        await socket.send(json.dumps({"type": "ping", "id": "still"}))
        assert (await answer(socket, "pong"))["id"] == "still"
        # Over daphne's own limit (128 KiB): a close frame with 1009, not a dropped connection (1006).
        await socket.send(json.dumps({"type": "message.post", "id": "huge", "channel": channel.pk,
                                      "body": "x" * 200_000}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(socket.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    assert not await database_sync_to_async(Message.objects.filter(body__startswith="xxx").exists)()


async def test_a_stopping_daphne_closes_its_sockets_with_4503_and_exits_cleanly(people, team, daphne_server):
    """SIGTERM (a deploy): each socket gets 4503 (server restart: reconnect and resume), each consumer
    finishes its disconnect (the log has no traceback: checked at teardown), the process exits with 0."""
    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import ConnectionClosed

    sockets = []
    for name in ("lead", "expert"):
        cookie = await database_sync_to_async(session_cookie)(people[name])
        socket = await ws_connect(f"{daphne_server.ws_url}/ws/teams/{team.slug}/", origin=daphne_server.url,
                                  additional_headers={"Cookie": cookie}, open_timeout=10)
        await socket.send(json.dumps({"type": "ping", "id": name}))
        assert (await until(socket, lambda f: f["type"] == "pong", timeout=10))["id"] == name
        sockets.append(socket)
    daphne_server.process.terminate()
    for socket in sockets:
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(socket.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == SERVER_RESTART
    exit_code = await asyncio.get_running_loop().run_in_executor(None, daphne_server.process.wait, 10)
    assert exit_code == 0


# The embedded channel layer (realtime/layers.py) -------------------------------------------

async def test_the_embedded_layer_delivers_one_copy_to_every_member_and_still_expires(monkeypatch):
    from realtime import layers

    layer = layers.InMemoryChannelLayer(expiry=60)
    names = [await layer.new_channel() for _ in range(3)]
    for name in names:
        await layer.group_add("team.1", name)
    message = {"type": "team.event", "seq": 1, "event": "x", "text": "{}"}
    await layer.group_send("team.1", message)
    message["seq"] = 99  # the sender's dict is not shared with the receivers
    received = [await layer.receive(name) for name in names]
    assert all(r == {"type": "team.event", "seq": 1, "event": "x", "text": "{}"} for r in received)

    scans = []
    real = layers.BaseInMemoryChannelLayer._clean_expired
    monkeypatch.setattr(layers.BaseInMemoryChannelLayer, "_clean_expired", lambda self: scans.append(1) or real(self))
    clock = [layers.monotonic() + 10]  # a fresh interval
    monkeypatch.setattr(layers, "monotonic", lambda: clock[0])
    for _ in range(50):
        await layer.group_send("team.1", {"type": "team.event", "seq": 2})
        for name in names:
            await layer.receive(name)
    assert len(scans) == 1  # not once per receive and per send: 200 calls, one scan
    clock[0] += layers.CLEAN_INTERVAL
    await layer.group_send("team.1", {"type": "team.event", "seq": 3})
    assert len(scans) == 2
    for name in names:
        assert (await layer.receive(name))["seq"] == 3

    layer.expiry = -1  # an abandoned channel's messages expire and it leaves its groups
    await layer.group_send("team.1", {"type": "team.event", "seq": 4})
    clock[0] += layers.CLEAN_INTERVAL
    await layer.group_send("team.1", {"type": "team.event", "seq": 5})
    assert not layer.groups.get("team.1")


# Clients going away (a live daphne: only its protocol refuses a send to a closing socket) ---------

@pytest.fixture
def strict_daphne(transactional_db):
    from django.db import connection

    from tests.conftest import Daphne

    connection.close()  # let the server open the database itself
    server = Daphne(extra_env={"WS_RATE_PER_SECOND": "1", "WS_RATE_BURST": "20", "WS_FLOOD_CLOSE_AFTER": "3"})
    yield server
    server.stop()


async def test_clients_going_away_put_no_traceback_in_the_log(people, team, strict_daphne):
    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import ConnectionClosed

    from tests.server_logs import log_problems

    names = ["manager", "lead", "expert", "observer", "supporter", "field_manager", "advisor"]
    cookies = {name: await database_sync_to_async(session_cookie)(people[name]) for name in names}
    channel = await database_sync_to_async(general)(team)
    url = f"{strict_daphne.ws_url}/ws/teams/{team.slug}/"
    log_path = strict_daphne.log.name

    def disconnects():
        return open(log_path).read().count("WSDISCONNECT")

    async def open_as(name):
        return await ws_connect(url, origin=strict_daphne.url, additional_headers={"Cookie": cookies[name]},
                                open_timeout=10)

    # A flood closed (4429) while its accepted posts are still being written: their acks have nowhere to go.
    flooder = await open_as("expert")
    for i in range(40):
        await flooder.send(json.dumps({"type": "message.post", "id": f"f{i}", "channel": channel.pk, "body": f"f{i}"}))
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(flooder.recv(), 10)
    assert closed.value.rcvd.code == CLOSE_FLOOD
    async def burst_stored():
        return await database_sync_to_async(Message.objects.filter(body__startswith="f").count)() == 20

    await eventually(lambda: disconnects() == 1, what="the flooder's disconnect")
    # the burst is written (the person's post rate allows 20) ...
    await eventually(burst_stored, what="the burst to be written")
    # ... and, like every frame the flooder sent after it, none is answered.

    # Many sockets closing at once: each one's "offline" reaches the others while they close.
    sockets = [await open_as(name) for name in names * 3]
    await asyncio.gather(*(socket.close() for socket in sockets))
    await eventually(lambda: disconnects() == 1 + len(sockets), what="every disconnect")

    strict_daphne.stop()
    assert log_problems(Path(log_path)) == []

