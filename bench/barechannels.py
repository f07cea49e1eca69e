"""The bare Channels app of the FANOUT table: one consumer, one group, channels' own in-memory layer.

Served by daphne: `python -m daphne -b 127.0.0.1 -p PORT bench.barechannels:application` (run from the
repository root, no DJANGO_SETTINGS_MODULE: it configures the few settings Channels needs). Every socket
joins one group; a `message.post` is numbered, sent to the group with `group_send` (each member's
handler sends the text, as channels' documentation shows) and acknowledged to its sender; `resume`
answers `resumed`. Same frames as bench/rawws.py. No auth, checks, log or persistence: what Channels
and daphne cost as they come (the stock layer, channels' dispatch with its database-thread hop per
message), the figure a Channels app starts from.
"""
import itertools
import json

import django
from django.conf import settings

settings.configure(
    DEBUG=False, INSTALLED_APPS=["channels"], ALLOWED_HOSTS=["*"], DATABASES={},
    CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
)
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402  (needs the settings)
from channels.routing import ProtocolTypeRouter  # noqa: E402

from bench.rawws import dumps, event_frame  # noqa: E402

GROUP = "bench"
_seq = itertools.count(1)


class Broadcast(AsyncWebsocketConsumer):
    groups = [GROUP]  # joined at connect, left at disconnect (channels does both)

    async def receive(self, text_data=None, bytes_data=None):
        frame = json.loads(text_data)
        if frame.get("type") == "resume":
            await self.send(text_data=dumps({"type": "resumed", "seq": 0}))
        elif frame.get("type") == "message.post":
            seq = next(_seq)
            await self.channel_layer.group_send(GROUP, {"type": "bench.frame", "text": event_frame(seq, frame)})
            await self.send(text_data=dumps({"type": "ack", "id": frame.get("id"), "seq": seq}))

    async def bench_frame(self, message):
        await self.send(text_data=message["text"])


application = ProtocolTypeRouter({"websocket": Broadcast.as_asgi()})
