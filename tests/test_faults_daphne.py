"""Fault: a daphne process is killed (SIGKILL) while clients on both processes keep posting.

Two daphne processes on PostgreSQL and our own redis-server (a free port, never the shared one). Readers and
writers are spread over both; after a few acknowledged posts the first process is killed with kill -9: no close
frames, no disconnect handlers. Its clients reconnect to the survivor and resume after the last seq they hold.
At the end every client holds every event of the team exactly once, in order: its seq list equals the Event rows
of the database, and its message list the Message rows (which include every acknowledged post, each once).

Helpers (our redis-server, the resuming client, deadlines) come from tests/test_realtime_scaleout.py, the
writers that post each message once through the fault from tests/scaleout_helpers.py.
Every wait has a deadline; the only delay is the clients' reconnect back-off.
"""
import asyncio

import pytest
from channels.db import database_sync_to_async as sync_to_async  # closes its connections

from teams.discussion.models import Message
from teams.models import Event
from tests.discussion_helpers import general
from tests.scaleout_helpers import DISCONNECTS, post_all_once
from tests.test_realtime_scaleout import DEADLINE, Client, own_redis, start_servers, team_seq  # noqa: F401
from tests.ws_client import session_cookie

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class FailoverClient(Client):
    """A resuming client that tries the next server when its own refuses or is gone (as a load balancer does)."""

    def __init__(self, servers, index, cookie, slug, after):
        super().__init__(servers[index], cookie, slug, after)
        self.urls = [f"{server.ws_url}/ws/teams/{slug}/" for server in servers]
        self.index = index
        self.seqs = []

    async def open(self):
        try:
            await super().open()
        except DISCONNECTS:
            self.index = (self.index + 1) % len(self.urls)
            self.url = self.urls[self.index]
            raise

    def take(self, frame):
        if frame["type"] == "event":
            self.seqs.append(frame["seq"])
        super().take(frame)


@pytest.fixture
def two_daphnes_to_kill(request, people, team):
    redis_server = request.getfixturevalue("own_redis")  # imported above: our own redis-server on a free port
    started = start_servers(2, REDIS_URL=redis_server.url, WS_HEARTBEAT_SECONDS="1")
    yield started
    for server in started:
        server.stop()  # the killed one is already gone: stop() only closes its log


async def test_killed_daphne_loses_no_message(two_daphnes_to_kill, people, team):
    doomed, survivor = daphnes = two_daphnes_to_kill
    channel = await sync_to_async(general)(team)
    start = await sync_to_async(team_seq)(team)
    cookies = {name: await sync_to_async(session_cookie)(people[name]) for name in
               ("lead", "expert", "supporter", "observer", "manager")}
    readers = [FailoverClient(daphnes, 0, cookies["observer"], team.slug, start),
               FailoverClient(daphnes, 0, cookies["lead"], team.slug, start),
               FailoverClient(daphnes, 1, cookies["manager"], team.slug, start)]
    writers = [(FailoverClient(daphnes, 0, cookies["expert"], team.slug, start), "expert"),
               (FailoverClient(daphnes, 1, cookies["supporter"], team.slug, start), "supporter")]
    for client in readers + [w for w, _ in writers]:
        await client.open()
    following = [asyncio.ensure_future(reader.follow()) for reader in readers]
    killed = asyncio.Event()
    total = 12
    writing = asyncio.ensure_future(post_all_once(writers, channel, total, midway=killed))
    await asyncio.wait_for(killed.wait(), timeout=DEADLINE)
    doomed.process.kill()  # SIGKILL while posting goes on: no close frame, no disconnect handler
    await asyncio.get_running_loop().run_in_executor(None, doomed.process.wait, 10)
    acked = await asyncio.wait_for(writing, timeout=DEADLINE)

    final = await sync_to_async(team_seq)(team)
    for reader in readers:
        reader.target = final
    await asyncio.wait_for(asyncio.gather(*following), timeout=DEADLINE)

    logged = await sync_to_async(lambda: list(Event.objects.filter(team=team, seq__gt=start).order_by("seq")
                                              .values_list("seq", flat=True)))()
    messages = await sync_to_async(lambda: list(Message.objects.filter(channel=channel).order_by("id")
                                                .values_list("id", "body")))()
    bodies = [body for _pk, body in messages]
    assert sorted(bodies) == sorted(f"{name} {n}" for _c, name in writers for n in range(total)), \
        "every post exactly once"
    assert set(acked) <= set(bodies) and len(acked) >= total  # most posts were acknowledged
    assert logged == list(range(start + 1, final + 1))
    for reader in readers:
        assert reader.violations == [], "every event exactly once, in order"
        assert reader.seqs == logged, "the client's seqs are the database's event log"
        assert reader.messages == [pk for pk, _body in messages]
    for client in readers[:2] + [writers[0][0]]:  # the doomed process's clients moved to the survivor
        assert client.reconnects >= 1 and client.url.startswith(survivor.ws_url), client.url
    assert readers[2].reconnects == 0 and writers[1][0].reconnects == 0  # the survivor's clients never noticed
    print(f"killed daphne: {len(acked)} acknowledged posts, {len(logged)} events; reconnects "
          f"{[c.reconnects for c in readers + [w for w, _ in writers]]}")
    for client in readers + [w for w, _ in writers]:
        await client.close()
