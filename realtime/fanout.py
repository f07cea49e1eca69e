"""One fan-out per process and team: the layer rings a process once, the process hands the ring to its sockets.

With every socket in the team's group, a ring became one layer message per socket: a queue put, a task
woken, channels' dispatch (a task and an `asyncio.wait` per message), our handlers, channels' and
daphne's send wrappers and autobahn's framing — about 130 µs of a daphne's CPU per socket and event,
ten times a raw `websockets` server's (docs/benchmarks.md, "The live path against its floors").

Here a process joins the team's group with one channel of its own (`Hub`) as soon as one of its sockets
shows that team, and hands each ring to its sockets in one synchronous pass (`OrderedDelivery.take`):
a socket that is up to date, with nothing queued, gets each event frame written at once — the
WebSocket frame built once per event (`text_frame`) and written by the server's direct writer
(`FRAME_WRITER`, realtime/server.py; a server without one, like the tests' in-process communicator,
takes the queued path). Everything else — a socket not yet resumed, a gap, a member event that makes
it check access again, ephemeral frames — goes to the socket's own inbox, which its consumer works
through in order, as before. So the order, the log and the checks are those of realtime/ordering.py.
"""
import asyncio
import logging
import struct
import weakref
from typing import Any, Protocol

log = logging.getLogger(__name__)

FRAME_WRITER = "workspace.frame_writer"  # the scope's extension: write(frame bytes) -> bool, or absent
CLOSE_LAYER_LOST = 1011  # the layer failed under the hub: its sockets close, their clients resume


class Member(Protocol):
    channel_name: str

    def take(self, message: dict, frames: list[bytes]) -> None: ...
    async def close(self, code: int | None = None, reason: str | None = None) -> None: ...


def text_frame(text: str) -> bytes:
    """A server's WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked), as autobahn sends it."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        return struct.pack("!BB", 0x81, size) + payload
    if size < 1 << 16:
        return struct.pack("!BBH", 0x81, 126, size) + payload
    return struct.pack("!BBQ", 0x81, 127, size) + payload


class Hub:
    """This process's sockets of one team, fed by one channel in the team's group."""

    def __init__(self, layer: Any, group: str) -> None:
        self.layer, self.group = layer, group
        self.sockets: dict[str, Member] = {}
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self.lock = asyncio.Lock()  # joins and leaves that start or stop the listener, one at a time

    async def join(self, socket: Member) -> None:
        async with self.lock:
            self.sockets[socket.channel_name] = socket
            if self.task is None:
                self.channel = await self.layer.new_channel("fanout.")
                await self.layer.group_add(self.group, self.channel)
                self.task = asyncio.ensure_future(self.listen(self.channel))

    async def leave(self, socket: Member) -> None:
        async with self.lock:
            self.sockets.pop(socket.channel_name, None)
            if self.sockets or self.task is None:
                return
            task, channel, self.task, self.channel = self.task, self.channel, None, None
            task.cancel()
            await self.layer.group_discard(self.group, channel)

    async def rejoin(self) -> None:
        """The heartbeat's part: a restarted Redis forgot the group."""
        if self.channel is not None:
            await self.layer.group_add(self.group, self.channel)

    async def listen(self, channel: str) -> None:
        try:
            while True:
                message = await self.layer.receive(channel)
                frames = [text_frame(text) for _seq, _kind, text, *_private in message.get("events", ())] \
                    if message.get("type") == "team.events" else []
                for socket in list(self.sockets.values()):
                    socket.take(message, frames)
        except asyncio.CancelledError:
            raise
        except Exception:
            # As when each socket read the layer itself and died with it: the sockets close, clients resume.
            log.warning("the channel layer failed under %s: closing its sockets", self.group, exc_info=True)
            if self.task is asyncio.current_task():
                self.task, self.channel = None, None
            for socket in list(self.sockets.values()):
                asyncio.ensure_future(socket.close(code=CLOSE_LAYER_LOST))


# Per event loop (tests run many) and layer: the team's group → hub. (Imports nothing of Django: daphne's
# launcher, realtime/server.py, reads FRAME_WRITER before the apps are set up.)
_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, int], Hub]] = \
    weakref.WeakKeyDictionary()


def hub(layer: Any, group: str) -> Hub:
    hubs = _hubs.setdefault(asyncio.get_running_loop(), {})
    key = (group, id(layer))
    if key not in hubs or hubs[key].layer is not layer:
        hubs[key] = Hub(layer, group)
    return hubs[key]
