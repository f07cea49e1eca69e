"""A team socket's events reach its client in seq order, each once, with no gap.

The event log is the truth; the channel layer's rings are only a doorbell. `resume` sends the
log after the seq the client holds (clamped to the log's end), then live rings follow. Rings
from several daphne processes can overtake each other: a ring ahead of the next seq is held for
GAP_WAIT_SECONDS instead of every socket reading the log at once; a ring that stays lost is read
from the log when the wait is over (and at every heartbeat, `fill_gap`).

A private channel's events (teams/discussion/access.py) reach only its members' sockets: for everyone
else they are skipped, live and on replay, and only their seq is taken (so the resume position moves on).
"""
import asyncio
import logging
from collections.abc import Callable

from channels.db import database_sync_to_async

from teams.discussion.access import private_ids
from teams.events import REPLAY_LIMIT, events_after
from teams.models import Team

from .fanout import FRAME_WRITER
from .socket import Socket

log = logging.getLogger(__name__)

CLOSE_INTERNAL = 1011  # a ring could not be handled: the client reconnects and resumes

GAP_WAIT_SECONDS = 0.2  # how long an out-of-order ring waits for the ones before it


@database_sync_to_async
def load_events(team_id: int, after: int, user) -> tuple[list[dict], set[int]]:
    """The log after `after` (a private channel's events the user is not in: only their seq, to skip),
    and the private channels they are in now."""
    mine = private_ids(user, team_id)
    return [event.as_frame() if event.private_channel is None or event.private_channel in mine
            else {"seq": event.seq, "event": event.kind, "skip": True}
            for event in events_after(team_id, after)], mine


load_private_ids = database_sync_to_async(private_ids)
# Events that may change who is in a private channel: the socket reads its person's channels again.
MEMBERSHIP_KINDS = frozenset({"channel.created", "channel.members"})


@database_sync_to_async
def latest_seq(team_id: int) -> int:
    return Team.objects.values_list("last_seq", flat=True).get(pk=team_id)


class OrderedDelivery(Socket):
    """Mixin of the team consumer (it uses the consumer's team, send, send_json and recheck_access)."""

    def start_delivery(self) -> None:
        self.resumed = False
        self.last_sent = 0  # highest seq this client holds
        self.highest_rung = 0  # highest seq announced by the layer, resumed or not
        self.held: dict[int, tuple[dict, str]] = {}  # out-of-order rings: seq -> (frame, text)
        self.gap_task: asyncio.Task | None = None
        self.delivering = asyncio.Lock()
        self.private_channels: set[int] = set()  # the person's private channels (read on every catch-up)
        # The team's rings arrive through this process's hub (realtime/fanout.py), which writes what it can
        # at once and leaves the rest here, in order, for this consumer's own task.
        self.inbox: asyncio.Queue[dict] = asyncio.Queue()
        self.inbox_busy = False
        self.inbox_idle = asyncio.Event()  # the client's next frame waits for it (consumers.TeamConsumer.dispatch)
        self.inbox_idle.set()
        self.inbox_task = asyncio.ensure_future(self.read_inbox())
        extensions: dict = self.scope.get("extensions") or {}
        self.write_frame: Callable[[bytes], bool] | None = extensions.get(FRAME_WRITER)

    def take(self, message: dict, frames: list[bytes]) -> None:
        """A ring from the hub (synchronous: one pass over the team's sockets). `frames`: each event's
        WebSocket frame, built once. The frames are written now only if nothing could come before them:
        the socket is resumed and up to date, holds no later ring, nothing is queued or being delivered,
        the event does not make the socket check access again and is not a private channel's (whose
        non-members get only its seq). Otherwise, from that event on, the
        ring is queued for OrderedDelivery.team_events."""
        if self.closing:
            return  # its send would drop it too
        if (frames and self.write_frame is not None and self.resumed and not self.held and not self.inbox_busy
                and self.inbox.empty() and not self.delivering.locked()):
            events = message["events"]
            for index, (seq, kind, _text, *private) in enumerate(events):
                if (seq != self.last_sent + 1 or kind.startswith("member.") or kind == "team.archived"
                        or (private and private[0] is not None) or not self.write_frame(frames[index])):
                    message = {**message, "events": events[index:]}
                    break
                self.last_sent = seq
                self.highest_rung = max(self.highest_rung, seq)
            else:
                return
        self.inbox_idle.clear()
        self.inbox.put_nowait(message)

    async def read_inbox(self) -> None:
        while True:
            message = await self.inbox.get()
            self.inbox_busy = True
            try:
                await self.dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception:  # as when channels' own dispatch failed: the socket closes, its client resumes
                log.exception("could not deliver %s", message.get("type"))
                self.inbox_idle.set()  # the client's frames are not held up by a socket that is closing
                await self.close(code=CLOSE_INTERNAL)
                return
            finally:
                self.inbox_busy = False
                if self.inbox.empty():
                    self.inbox_idle.set()

    async def resume(self, after: int) -> None:
        async with self.delivering:
            # Clamped to the log's end: events are delivered only past last_sent, so a claim beyond
            # it (a stale client of a restored database, or a hostile one) would drop every live event.
            self.last_sent = min(after, await latest_seq(self.team_id))
            self.held.clear()
            await self.catch_up()
            self.resumed = True
            if self.highest_rung > self.last_sent:  # rung while we read the log
                await self.catch_up()
            await self.send_json({"type": "resumed", "seq": self.last_sent})

    async def fill_gap(self) -> None:
        """Read what a lost ring left out (the heartbeat's check)."""
        if self.resumed and await latest_seq(self.team_id) > self.last_sent:
            async with self.delivering:
                await self.catch_up()
                await self.deliver_held()

    async def catch_up(self) -> None:
        while True:
            frames, self.private_channels = await load_events(self.team_id, self.last_sent, self.user)
            for frame in frames:
                await self.deliver(frame)
            if len(frames) < REPLAY_LIMIT:
                return

    async def deliver(self, frame: dict, text: str | None = None) -> None:
        """Send one event frame (`text`: the same frame already serialised by events.ring)."""
        if frame["seq"] <= self.last_sent:
            return  # a duplicate: the client has it
        self.last_sent = frame["seq"]
        if frame.get("skip"):
            return  # a private channel's event, not for this person
        if text is None:
            await self.send_json(frame)
        else:
            await self.send(text_data=text)
        if frame["event"].startswith("member.") or frame["event"] == "team.archived":
            await self.recheck_access()  # a changed role applies at once

    async def team_events(self, message: dict) -> None:
        """A transaction's events, rung once (events.ring): [[seq, kind, frame text, private channel], ...]."""
        for seq, kind, text, *private in message["events"]:  # a ring of an older process has no 4th
            await self.rung(seq, kind, text, private[0] if private else None)

    async def rung(self, seq: int, kind: str, text: str, private: int | None = None) -> None:
        """One rung event (`text`: its client frame, serialised once by events.ring_message; `private`:
        its private channel, whose non-members get only the seq)."""
        frame: dict = {"seq": seq, "event": kind}
        self.highest_rung = max(self.highest_rung, seq)
        if not self.resumed:
            return
        async with self.delivering:
            if private is not None and kind in MEMBERSHIP_KINDS:
                self.private_channels = await load_private_ids(self.user, self.team_id)
            if private is not None and private not in self.private_channels:
                frame["skip"] = True
            if seq <= self.last_sent + 1:
                await self.deliver(frame, text)
                await self.deliver_held()
                return
            self.held[seq] = (frame, text)
            if self.gap_task is None or self.gap_task.done():
                self.gap_task = asyncio.ensure_future(self.fill_gap_after(GAP_WAIT_SECONDS))

    async def deliver_held(self) -> None:
        while self.last_sent + 1 in self.held:
            await self.deliver(*self.held.pop(self.last_sent + 1))
        self.held = {seq: item for seq, item in self.held.items() if seq > self.last_sent}

    async def fill_gap_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        async with self.delivering:
            if self.held:
                await self.catch_up()
                await self.deliver_held()
