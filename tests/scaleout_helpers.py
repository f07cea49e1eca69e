"""Helpers for the scale-out and fault suites: writers that keep posting through a fault, each post once."""
import asyncio
import json

import websockets
from channels.db import database_sync_to_async as sync_to_async  # closes its connections

from teams.discussion.models import Message

# What a client sees when its server or the layer under it goes away: it reconnects and resumes.
DISCONNECTS = (websockets.ConnectionClosed, OSError, websockets.InvalidStatus, websockets.InvalidHandshake,
               asyncio.TimeoutError)


async def post_once(client, channel, body, acked):
    """Post `body` through a resuming client until it is in the database; acked[body] = its seq if acknowledged."""
    while True:
        try:
            if client.socket is None:
                await client.open()
            # a post whose ack was lost with the connection may be in the database already: never post it twice
            if not await sync_to_async(Message.objects.filter(body=body).exists)():
                await client.socket.send(json.dumps({"type": "message.post", "id": body,
                                                     "channel": channel.pk, "body": body}))
                while body not in client.acks:
                    client.take(json.loads(await asyncio.wait_for(client.socket.recv(), timeout=10)))
                assert client.acks[body]["type"] == "ack", client.acks[body]
                acked[body] = client.acks[body]["seq"]
            return
        except DISCONNECTS:
            client.socket = None
            client.reconnects += 1
            client.acks.pop(body, None)
            await asyncio.sleep(0.2)  # reconnect back-off, as a real client does


async def post_all_once(writers, channel, total, midway, at=8):
    """Each (client, name) of `writers` posts "name 0" … "name total-1", concurrently; `midway` is set after
    `at` posts in all (when the test injects its fault). Returns body -> seq of every acknowledged post."""
    acked, posted = {}, 0

    async def write(client, name):
        nonlocal posted
        for n in range(total):
            await post_once(client, channel, f"{name} {n}", acked)
            posted += 1
            if posted == at:
                midway.set()

    await asyncio.gather(*(write(client, name) for client, name in writers))
    return acked
