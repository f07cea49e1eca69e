"""Scaled out: several daphne processes on Redis (channels_redis) and PostgreSQL.

1. Cross-process: a message posted through one daphne reaches a client of another one, and
   presence is shared (the cache is Redis).
2. Fault: a redis-server started here on a free port is restarted while clients are connected
   and messages keep being posted; after reconnecting and resuming, every client holds every
   message exactly once, in order (the database is the truth, the layer only a doorbell).

Real sockets via the `websockets` client; every wait has a deadline, none is a pause for
synchronisation (the only delays are the clients' reconnect back-off).
"""
import asyncio
import json
import shutil
import subprocess
import time

import pytest
import websockets
from channels.db import database_sync_to_async as sync_to_async  # closes its connections
from django.db import connection

from teams.discussion.models import Message
from teams.models import Team
from tests.conftest import ROOT, Daphne, free_port, missing, wait_for_port
from tests.discussion_helpers import general
from tests.scaleout_helpers import DISCONNECTS, post_all_once
from tests.ws_client import eventually, session_cookie

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
DEADLINE = 60


class RedisServer:
    """Our own redis-server on a free port (never the machine's shared one)."""

    def __init__(self):
        if not shutil.which("redis-server"):
            missing("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = open(ROOT / "var" / f"redis-{self.port}.log", "w")
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"], stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def restart(self):
        self.stop()
        self.start()


@pytest.fixture
def own_redis(redis_and_postgres):
    server = RedisServer()
    yield server
    server.stop()
    server.log.close()


def start_servers(count, **env):
    connection.close()  # let the servers open the database themselves
    started = [Daphne(extra_env=env) for _ in range(count)]
    return started


@pytest.fixture
def two_daphnes(redis_and_postgres, people, team):
    started = start_servers(2)
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def two_daphnes_on_own_redis(own_redis, people, team):
    started = start_servers(2, REDIS_URL=own_redis.url, WS_HEARTBEAT_SECONDS="1")
    yield started
    for server in started:
        server.stop()


class Client:
    """A resuming WebSocket client: checks every event is the next seq (exactly once, in order)."""

    def __init__(self, server, cookie, slug, after):
        self.url = f"{server.ws_url}/ws/teams/{slug}/"
        self.cookie, self.last, self.target = cookie, after, None
        self.messages, self.violations, self.reconnects = [], [], 0
        self.presence = []
        self.socket = None
        self.acks = {}

    async def open(self):
        self.socket = await websockets.connect(self.url, origin="http://127.0.0.1",
                                               additional_headers={"Cookie": self.cookie}, open_timeout=5)
        await self.socket.send(json.dumps({"type": "resume", "after": self.last}))

    def take(self, frame):
        if frame["type"] == "event":
            if frame["seq"] != self.last + 1:
                self.violations.append((self.last, frame["seq"]))
            self.last = max(self.last, frame["seq"])
            if frame["event"] == "message.posted":
                self.messages.append(frame["data"]["message"])
        elif frame["type"] == "presence":
            self.presence.append(frame)
        elif frame["type"] in ("ack", "error"):
            self.acks[frame["id"]] = frame

    async def follow(self):
        """Receive until `target` is set and reached; reconnect and resume whenever the socket drops."""
        while not (self.target is not None and self.last >= self.target):
            try:
                if self.socket is None:
                    await self.open()
                frame = json.loads(await asyncio.wait_for(self.socket.recv(), timeout=0.5))
                self.take(frame)
            except TimeoutError:
                continue
            except DISCONNECTS:
                self.socket = None
                self.reconnects += 1
                await asyncio.sleep(0.2)  # reconnect back-off, as a real client does

    async def close(self):
        if self.socket is not None:
            await self.socket.close()


def team_seq(team):
    return Team.objects.get(pk=team.pk).last_seq


async def test_message_crosses_daphne_processes(two_daphnes, people, team):
    first, second = two_daphnes
    if True:
        channel = await sync_to_async(general)(team)
        seq = await sync_to_async(team_seq)(team)
        writer = Client(first, await sync_to_async(session_cookie)(people["expert"]), team.slug, seq)
        reader = Client(second, await sync_to_async(session_cookie)(people["lead"]), team.slug, seq)
        await writer.open()
        await reader.open()
        following = asyncio.ensure_future(reader.follow())
        # presence is shared across processes: the reader (on the other daphne) sees the writer online
        await eventually(lambda: any(people["expert"].pk in (f.get("online") or [f.get("user")])
                                     for f in reader.presence), what="the writer's presence on the other process",
                         timeout=DEADLINE)
        await writer.socket.send(json.dumps({"type": "message.post", "id": "x1", "channel": channel.pk,
                                             "body": "across processes"}))
        while "x1" not in writer.acks:
            writer.take(json.loads(await asyncio.wait_for(writer.socket.recv(), timeout=10)))
        assert writer.acks["x1"]["type"] == "ack"
        reader.target = writer.acks["x1"]["seq"]
        await asyncio.wait_for(following, timeout=DEADLINE)
        message = await sync_to_async(Message.objects.get)(body="across processes")
        assert reader.messages == [message.pk] and reader.violations == [] and reader.reconnects == 0
        await writer.close()
        await reader.close()


# The fault is made on purpose: while Redis is down the layer's receive task, the ring and the post-rate
# counter log it with the Redis error (and go on). Anything else, e.g. a consumer crashing ("Exception
# inside application"), still fails the test.
REDIS_DOWN = r"^(?!ERROR daphne)[\s\S]*redis\.exceptions\.(ConnectionError|TimeoutError)"


@pytest.mark.server_log_allows(REDIS_DOWN)
async def test_redis_restart_loses_no_message(own_redis, two_daphnes_on_own_redis, people, team):
    daphnes = two_daphnes_on_own_redis
    if True:
        channel = await sync_to_async(general)(team)
        start = await sync_to_async(team_seq)(team)
        cookies = {name: await sync_to_async(session_cookie)(people[name]) for name in
                   ("lead", "expert", "supporter", "observer")}
        readers = [Client(daphnes[0], cookies["observer"], team.slug, start),
                   Client(daphnes[1], cookies["lead"], team.slug, start),
                   Client(daphnes[1], cookies["observer"], team.slug, start)]
        for reader in readers:
            await reader.open()
        following = [asyncio.ensure_future(reader.follow()) for reader in readers]
        writers = [(Client(daphnes[0], cookies["expert"], team.slug, start), "expert"),
                   (Client(daphnes[1], cookies["supporter"], team.slug, start), "supporter")]
        restarted = asyncio.Event()
        writing = asyncio.ensure_future(post_all_once(writers, channel, 12, midway=restarted))
        await asyncio.wait_for(restarted.wait(), timeout=DEADLINE)
        await asyncio.get_running_loop().run_in_executor(None, own_redis.restart)  # while posting goes on
        await asyncio.wait_for(writing, timeout=DEADLINE)

        final = await sync_to_async(team_seq)(team)
        for reader in readers:
            reader.target = final
        await asyncio.wait_for(asyncio.gather(*following), timeout=DEADLINE)
        expected = await sync_to_async(lambda: list(Message.objects.filter(channel=channel).order_by("id")
                                                    .values_list("id", flat=True)))()
        assert len(expected) == 24
        for reader in readers:
            assert reader.violations == [], "every event exactly once, in order"
            assert reader.messages == expected
            assert reader.last == final
        print(f"reconnects per reader after the Redis restart: {[r.reconnects for r in readers]}")
        for client in readers + [w for w, _ in writers]:
            await client.close()


@pytest.fixture
def two_fast_daphnes(redis_and_postgres, people, team):
    started = start_servers(2, WS_HEARTBEAT_SECONDS="1")
    yield started
    for server in started:
        server.stop()


async def test_presence_heals_when_a_daphne_process_dies(two_fast_daphnes, people, team):
    """Presence lives in Redis with a heartbeat: the people of a killed process go offline elsewhere."""
    doomed, survivor = two_fast_daphnes
    seq = await sync_to_async(team_seq)(team)
    expert = Client(doomed, await sync_to_async(session_cookie)(people["expert"]), team.slug, seq)
    lead = Client(survivor, await sync_to_async(session_cookie)(people["lead"]), team.slug, seq)
    await expert.open()
    await lead.open()

    def online_now():
        """Who the lead's client shows online: snapshots replace, join/leave frames adjust."""
        state = set()
        for frame in lead.presence:
            if "online" in frame:
                state = set(frame["online"])
            elif frame.get("state") == "online":
                state.add(frame["user"])
            elif frame.get("state") == "offline":
                state.discard(frame["user"])
        return state

    async def pump(predicate, what):
        deadline = time.monotonic() + DEADLINE
        while not predicate():
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            try:
                lead.take(json.loads(await asyncio.wait_for(lead.socket.recv(), timeout=0.5)))
            except TimeoutError:
                pass

    await pump(lambda: people["expert"].pk in online_now(), "the expert online on the other process")
    doomed.process.kill()  # no disconnect, no "offline" announcement: only the TTL can tell
    doomed.process.wait(timeout=10)
    await pump(lambda: people["expert"].pk not in online_now(), "the expert offline after the TTL")
    assert people["lead"].pk in online_now()
    await lead.close()
