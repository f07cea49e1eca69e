"""The WebSocket test client of every suite: sockets opened with a real session cookie, frame waits, and
polls for conditions outside the socket.

The frame helpers take Channels' in-process WebsocketCommunicator and a real `websockets` connection to a
daphne process alike. Every wait is for a frame or a condition with a deadline, never a sleep.
"""
import asyncio
import inspect
import json
import time
from contextlib import asynccontextmanager

from channels.db import database_sync_to_async as sync_to_async  # closes its connections
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from websockets.asyncio.client import connect as websockets_connect

from realtime.sessions import CLOSE_IDLE
from workspace.asgi import application

ORIGIN_URL = "http://127.0.0.1"
ORIGIN = (b"origin", ORIGIN_URL.encode())
WAIT = 5  # seconds: a deadline for a frame that must come, not a pause
ANSWERS = ("ack", "error", "pong")


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def open_socket(user, team=None, *, path=None, origin=ORIGIN_URL, cookie=None, client=None):
    """(connected, communicator) on the team's socket (a Team or a slug) or on `path`; user None is
    anonymous (unless `cookie` is given), origin None sends no Origin header; `client` (host, port) is the
    client's address as a server would see it."""
    headers = [(b"host", b"127.0.0.1")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie is None and user is not None:
        cookie = await sync_to_async(session_cookie)(user)
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path or f"/ws/teams/{getattr(team, 'slug', team)}/",
                                         headers=headers)
    if client is not None:
        communicator.scope["client"] = client
    connected, _code = await communicator.connect(timeout=WAIT)
    return connected, communicator


def live_socket(server, path, cookie=None, **options):
    """A real socket to a running daphne (tests.conftest.Daphne) with its Origin; await it or use it in
    `async with`."""
    return websockets_connect(f"{server.ws_url}{path}", origin=server.url, open_timeout=10,
                              additional_headers={"Cookie": cookie} if cookie else {}, **options)


async def connect(user, team, *, after=None, cookie=None, client=None):
    """An accepted communicator resumed after `after` (default: the team's latest seq). It keeps the presence
    snapshot it got first (.presence), the events replayed (.replayed) and the seq it resumed at (.seq)."""
    connected, communicator = await open_socket(user, team, cookie=cookie, client=client)
    assert connected, f"{user} was refused"
    communicator.presence = await receive(communicator)
    assert communicator.presence["type"] == "presence", communicator.presence
    if after is None:
        after = await sync_to_async(lambda: type(team).objects.get(pk=team.pk).last_seq)()
    await send(communicator, {"type": "resume", "after": after})
    before = []
    communicator.seq = (await until(communicator, lambda f: f["type"] == "resumed", skipped=before))["seq"]
    communicator.replayed = [f for f in before if f["type"] == "event"]
    return communicator


@asynccontextmanager
async def connected(user, team, **options):
    """connect() for the length of an `async with` block: the socket is disconnected however the block ends."""
    communicator = await connect(user, team, **options)
    try:
        yield communicator
    finally:
        await communicator.disconnect()


async def send(socket, frame):
    """Send a frame (a dict, or raw text as it is)."""
    text = frame if isinstance(frame, str) else json.dumps(frame)
    if isinstance(socket, WebsocketCommunicator):
        await socket.send_to(text_data=text)
    else:
        await socket.send(text)


async def receive(socket, timeout=WAIT):
    """The next frame: first those request() held back, then the socket's."""
    held = getattr(socket, "held", None)
    if held:
        return held.pop(0)
    if isinstance(socket, WebsocketCommunicator):
        return await socket.receive_json_from(timeout=timeout)
    return json.loads(await asyncio.wait_for(socket.recv(), timeout))


async def until(socket, predicate, *, timeout=WAIT, skipped=None):
    """Receive frames until one matches `predicate` and return it; the frames passed over (presence and
    others) are dropped, or appended to the list `skipped`."""
    while True:
        frame = await receive(socket, timeout)
        if predicate(frame):
            return frame
        if skipped is not None:
            skipped.append(frame)


async def next_event(socket, kind=None, where=lambda data: True, *, timeout=WAIT):
    """The next event frame (of `kind`, with data matching `where`)."""
    return await until(socket, lambda f: f["type"] == "event" and kind in (None, f["event"]) and where(f["data"]),
                       timeout=timeout)


async def request(socket, frame, *, timeout=WAIT, skipped=None):
    """Send a command (a dict or raw text) and return its answer: the ack, error or pong with its id.

    The answer to raw text may carry no id (the server could not read one, e.g. from a frame too large).
    A command's ack and its event come in either order (posts are written in batches,
    realtime/group_commit.py): events that came first are held for the next wait."""
    await send(socket, frame)
    ids = {frame_id(frame)} if isinstance(frame, dict) else {frame_id(frame), None}
    passed = []
    answer = await until(socket, lambda f: f["type"] in ANSWERS and f.get("id") in ids, timeout=timeout,
                         skipped=passed)
    socket.held = [f for f in passed if f["type"] == "event"] + (getattr(socket, "held", None) or [])
    if skipped is not None:
        skipped.extend(passed)
    return answer


def frame_id(frame):
    if isinstance(frame, dict):
        return frame.get("id")
    try:
        parsed = json.loads(frame)
        return parsed.get("id") if isinstance(parsed, dict) else None
    except ValueError:
        return None


async def nothing_pending(socket):
    """True when no frame but presence is waiting (held or sent): ping, and nothing may come before the pong."""
    await send(socket, {"type": "ping", "id": "probe"})
    frames = []
    await until(socket, lambda f: f["type"] == "pong" and f.get("id") == "probe", skipped=frames)
    return [f for f in frames if f["type"] != "presence"] == []


async def closed_with(communicator, *, timeout=10, skipped=None):
    """Receive until the server closes the socket and return its close code; the frames before the close are
    dropped, or appended to the list `skipped`."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")
        if skipped is not None:
            skipped.append(json.loads(output["text"]))


def poll(condition, *, timeout=10, what="the condition", alive=None):
    """Wait until `condition()` is true and return its value (a process `alive` must keep running meanwhile);
    fails naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if alive is not None:
            assert alive.poll() is None, f"the process died while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


async def eventually(probe, *, timeout=10, what="the condition"):
    """poll() in async code: `probe` (sync or async) until it gives a true value, which is returned."""
    deadline = time.monotonic() + timeout
    while not (value := (await probe()) if inspect.iscoroutinefunction(probe) else probe()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)
    return value


async def pinging_outlives_quiet(quiet, pinging, *, idle_seconds):
    """The idle timeout of any socket: `pinging`, pinging well within it, stays open while `quiet` is closed,
    and once it falls silent it is closed as well. Both are disconnected afterwards."""
    quiet_closed = asyncio.ensure_future(closed_with(quiet))
    try:
        pings = 0
        while not quiet_closed.done() or pings < 3:
            await send(pinging, {"type": "ping", "id": f"p{pings}"})
            pong = await until(pinging, lambda f: f["type"] == "pong")
            assert pong["id"] == f"p{pings}"
            pings += 1
            await asyncio.wait([quiet_closed], timeout=idle_seconds / 4)  # the client's ping interval
        assert quiet_closed.result() == CLOSE_IDLE
        assert await closed_with(pinging) == CLOSE_IDLE
    finally:
        quiet_closed.cancel()
        await quiet.disconnect()
        await pinging.disconnect()
