"""The process's fan-out (realtime/fanout.py): one channel per team and process in the layer's group, event
frames built once and written straight to sockets that are up to date, the rest in order through each
socket's inbox. In process (the communicator has no direct writer: every ring takes the inbox) and on a
real daphne (the direct writer)."""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from websockets.frames import Frame, Opcode

from realtime.fanout import text_frame
from teams.events import team_group
from teams.models import Team
from tests.discussion_helpers import general
from tests.ws_client import connected, live_socket, next_event, request, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10  # seconds: a deadline for a frame that must come, not a pause


@pytest.mark.parametrize("size", [0, 125, 126, 65_535, 65_536])
def test_a_frame_built_once_is_the_websocket_frame_of_its_text(size):
    text = ("ä" * size)[:size] if size % 2 else "x" * size
    payload = text.encode()
    assert text_frame(text) == Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])


def members(group):
    """The channels in a group of this process's layer: the in-memory layer's or channels_redis' pub/sub
    layer's (its loop layer keeps them per prefixed group name)."""
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        return set(layer.groups.get(group, ()))
    loop_layer = layer._get_layer()  # (its __getattr__ hands any other name to this loop's layer)
    return set(loop_layer.groups.get(loop_layer._get_group_channel_name(group), ()))


async def test_one_channel_per_process_in_the_group_and_gone_with_the_last_socket(people, team):
    group = team_group(team.pk)
    channel = await database_sync_to_async(general)(team)
    async with connected(people["lead"], team) as lead:
        async with connected(people["expert"], team) as expert:
            hub_channel = members(group)
            assert len(hub_channel) == 1  # the hub's channel, not one per socket
            ack = await request(expert, {"type": "message.post", "id": "1", "channel": channel.pk, "body": "hi"})
            assert (await next_event(lead))["seq"] == ack["seq"]
            assert (await next_event(expert))["seq"] == ack["seq"]
        assert members(group) == hub_channel  # the lead is still here
    assert not members(group)


async def durable(socket):
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), WAIT))
        if frame["type"] not in ("presence", "typing"):
            return frame


async def test_on_daphne_every_socket_gets_every_event_once_in_order(people, team, daphne_server):
    """Up-to-date sockets get the frames written by the hub; a socket that resumes late gets the log, then the
    live events, with no gap and no duplicate."""
    channel = await database_sync_to_async(general)(team)
    start = await database_sync_to_async(lambda: Team.objects.get(pk=team.pk).last_seq)()
    path = f"/ws/teams/{team.slug}/"
    cookies = [await database_sync_to_async(session_cookie)(people[role]) for role in ("expert", "lead", "observer")]
    async with live_socket(daphne_server, path, cookies[0]) as writer, \
            live_socket(daphne_server, path, cookies[1]) as reader, \
            live_socket(daphne_server, path, cookies[2]) as late:
        for socket in (writer, reader):
            await socket.send(json.dumps({"type": "resume", "after": start}))
            assert await durable(socket) == {"type": "resumed", "seq": start}
        for n in range(3):  # rung while `late` has not resumed: it takes them from the log
            await writer.send(json.dumps({"type": "message.post", "id": f"a{n}", "channel": channel.pk,
                                          "body": f"early {n}"}))
        seen = {writer: [], reader: []}
        while len(seen[reader]) < 3:
            frame = await durable(reader)
            seen[reader].append(frame["seq"])
        await late.send(json.dumps({"type": "resume", "after": start}))
        for n in range(3):
            await writer.send(json.dumps({"type": "message.post", "id": f"b{n}", "channel": channel.pk,
                                          "body": f"late {n}"}))
        seen[late] = []
        for socket in (writer, reader, late):
            while len(seen[socket]) < 6:
                frame = await durable(socket)
                if frame["type"] == "event":
                    assert frame["event"] == "message.posted"
                    seen[socket].append(frame["seq"])
        assert all(seqs == list(range(start + 1, start + 7)) for seqs in seen.values()), seen
