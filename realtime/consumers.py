"""One socket per team page: `/ws/teams/<slug>/`.

The consumer authenticates, checks the viewer may see the team, replays the event log
after the sequence number the client names, then streams live events. Commands are
translated into service calls through realtime.protocol.COMMANDS. Nothing here decides
what a user may change: the services do.
"""
import asyncio
import json
import logging
import time

from autobahn.exception import Disconnected
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from teams.events import REPLAY_LIMIT, events_after, team_group
from teams.models import Team
from teams.notify.services import user_group
from teams.permissions import can_view

from . import group_commit, presence, sessions
from .protocol import COMMANDS, ProtocolError, check_frame, validated

GAP_WAIT_SECONDS = 0.2  # how long an out-of-order ring waits for the ones before it
MAX_IN_FLIGHT = 32  # posts one socket may have queued for writing before its next frame is read

log = logging.getLogger(__name__)

CLOSE_SIGNED_OUT = 4401  # the session the socket opened with no longer signs its person in (realtime/sessions.py)
CLOSE_FORBIDDEN = 4403
CLOSE_IDLE = 4408  # nothing received for settings.WS_IDLE_SECONDS (live.js pings every 25 s)
CLOSE_FLOOD = 4429  # settings.WS_FLOOD_CLOSE_AFTER frames refused in a row by the rate limit


@database_sync_to_async
def viewable_team(user, slug):
    team = Team.objects.filter(slug=slug).first()
    return team if team is not None and can_view(user, team) else None


@database_sync_to_async
def current_access(user_id, session_key, team_id):
    """(the person fresh from the database, or None if signed out; whether they may still see the team)."""
    user = sessions.signed_in(user_id, session_key)
    return user, user is not None and (team_id is None or can_view(user, Team.objects.get(pk=team_id)))


@database_sync_to_async
def load_events(team_id, after):
    return [event.as_frame() for event in events_after(team_id, after)]


@database_sync_to_async
def latest_seq(team_id):
    return Team.objects.values_list("last_seq", flat=True).get(pk=team_id)


@database_sync_to_async
def run_command(command, user, team_id, data):
    data = validated(command, data)  # the command's schema, before anything runs
    team = Team.objects.get(pk=team_id)  # fresh: status and dates may have changed
    return command.handler(user, team, data)


def error_text(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Not allowed.")


def over_frame_limit(raw):
    """Is the frame larger than WS_MAX_FRAME_BYTES as sent (UTF-8)? 40,000 "é" are 80,000 bytes."""
    limit = settings.WS_MAX_FRAME_BYTES
    if len(raw) > limit:
        return True
    if isinstance(raw, bytes) or len(raw) * 4 <= limit:  # no text this short can exceed it
        return False
    return len(raw.encode("utf-8", "surrogatepass")) > limit


class TokenBucket:
    """Per-connection rate limit: `rate` frames a second, bursts up to `burst`."""

    def __init__(self, rate, burst):
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = float(burst), time.monotonic()

    def take(self):
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class TeamConsumer(AsyncWebsocketConsumer):
    # Flood bookkeeping, per connection (class defaults so subclasses with their own connect share it).
    refused = 0  # frames refused in a row by the rate limit
    closing = False  # the server closed the socket (or found it closed): frames still queued are dropped
    # answers of queued posts (a set per connection once connected)
    in_flight: set[asyncio.Task] | frozenset[asyncio.Task] = frozenset()

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:  # also when the consumer died (e.g. the layer's Redis went away) without a disconnect
            for task in (getattr(self, "heartbeat_task", None), getattr(self, "idle_task", None),
                         getattr(self, "gap_task", None), *self.in_flight):
                if task is not None:
                    task.cancel()
            if getattr(self, "team", None) is not None and not getattr(self, "left", True):
                try:
                    await database_sync_to_async(presence.leave)(self.team.pk, self.user.pk, self.channel_name)
                except Exception:  # its entry expires after presence.TTL anyway
                    log.warning("could not clear presence", exc_info=True)

    async def connect(self):
        self.user = self.scope["user"]
        self.session_key = self.scope["session"].session_key
        self.team = None
        if self.user.is_authenticated:
            self.team = await viewable_team(self.user, self.scope["url_route"]["kwargs"]["slug"])
        if self.team is None:
            await self.close()  # before accept: the handshake is refused with 403
            return
        self.group = team_group(self.team.pk)
        self.resumed = False
        self.last_sent = 0  # highest seq this client holds
        self.highest_rung = 0  # highest seq announced by the layer, resumed or not
        self.bucket = TokenBucket(settings.WS_RATE_PER_SECOND, settings.WS_RATE_BURST)
        self.in_flight = set()
        self.announced = {}  # user id -> (presence state, time.time()) from announcements
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)  # sessions.ring
        await self.accept()
        self.left = False
        await self.announce_presence()
        self.held, self.gap_task, self.delivering = {}, None, asyncio.Lock()  # out-of-order rings
        self.heartbeat_task = asyncio.ensure_future(self.heartbeat())
        self.start_idle_timer()

    async def disconnect(self, code):
        if self.team is None:
            return
        for task in (getattr(self, "heartbeat_task", None), getattr(self, "idle_task", None),
                     getattr(self, "gap_task", None)):
            if task is not None:
                task.cancel()
        try:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)
        finally:
            self.left = True
            if await database_sync_to_async(presence.leave)(self.team.pk, self.user.pk, self.channel_name):
                await self.ephemeral({"type": "presence", "user": self.user.pk, "state": "offline"})

    # Presence and typing (ephemeral: no seq, never replayed) ---------------------------

    async def announce_presence(self):
        joined = await database_sync_to_async(presence.join)(self.team.pk, self.user.pk, self.channel_name)
        if joined:
            await self.ephemeral({"type": "presence", "user": self.user.pk, "state": "online"})
        self.online = await self.online_now()
        await self.send_json({"type": "presence", "online": self.online})

    async def online_now(self):
        """The team's cached online snapshot (one cache read), with this person and newer announcements."""
        at, ids = await database_sync_to_async(presence.snapshot)(self.team.pk)
        ids = set(ids) | {self.user.pk}
        for user_id, (state, stamp) in list(self.announced.items()):
            if stamp < at - presence.SNAPSHOT_AGE:
                del self.announced[user_id]  # long covered by snapshots
            elif stamp >= at:
                (ids.add if state == "online" else ids.discard)(user_id)
        return sorted(ids)

    async def ephemeral(self, frame):
        try:
            await self.channel_layer.group_send(self.group, {"type": "team.ephemeral", "frame": frame,
                                                             "sender": self.channel_name})
        except Exception:  # ephemeral frames may be lost; presence heals at the next heartbeat
            log.warning("could not send %s", frame.get("type"), exc_info=True)

    async def heartbeat(self):
        """Check the sign-in again (a sessions ring may be lost), re-join the groups (a restarted Redis forgot
        them), then the socket's own beat."""
        while True:
            await asyncio.sleep(presence.HEARTBEAT)
            try:
                if not await self.recheck_access(team=False):
                    return
                await self.channel_layer.group_add(self.group, self.channel_name)
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("heartbeat failed", exc_info=True)

    async def beat(self):
        """Refresh presence and fill any gap from the log."""
        await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)
        await database_sync_to_async(presence.join)(self.team.pk, self.user.pk, self.channel_name)
        online = await self.online_now()
        if online != self.online:
            self.online = online
            await self.send_json({"type": "presence", "online": online})
        if self.resumed and await latest_seq(self.team.pk) > self.last_sent:
            async with self.delivering:
                await self.catch_up()
                await self.deliver_held()

    def start_idle_timer(self):
        """Every socket (team and /ws/me/) is closed after WS_IDLE_SECONDS without a frame."""
        self.last_heard = time.monotonic()
        self.idle_task = asyncio.ensure_future(self.close_when_idle(settings.WS_IDLE_SECONDS))

    async def close_when_idle(self, idle):
        """Close a socket that sent nothing (not even a ping) for `idle` seconds: the client resumes."""
        while True:
            remaining = self.last_heard + idle - time.monotonic()
            if remaining <= 0:
                await self.close(code=CLOSE_IDLE)
                return
            await asyncio.sleep(remaining)

    async def typing(self, frame, request_id):
        data = frame.get("data", frame)
        if not isinstance(data, dict):
            raise ProtocolError("bad_frame", _("The frame's data must be an object."))
        try:
            typing = await database_sync_to_async(presence.typing_frame)(self.user, self.team.pk, data)
        except ValidationError as exc:
            raise ProtocolError("invalid", error_text(exc))
        except PermissionDenied as exc:
            raise ProtocolError("forbidden", error_text(exc))
        except ObjectDoesNotExist:
            raise ProtocolError("not_found", _("Not found in this team."))
        await self.ephemeral(typing)

    # Client → server ------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        request_id = None
        self.last_heard = time.monotonic()
        if self.closing:
            return  # frames still queued (a flood, a signed-out person's) are not run
        try:
            frame = self.parse(text_data, bytes_data)
            request_id = frame.get("id")
            if type(request_id) not in (str, int, type(None)) or len(str(request_id)) > 64:  # not bool
                request_id = None
                raise ProtocolError("bad_frame", _("The request id must be a short string."))
            if not self.bucket.take():
                self.refused += 1
                if self.refused > settings.WS_FLOOD_CLOSE_AFTER:
                    # A flood: answering every frame with an error would cost everyone else the CPU.
                    await self.close(code=CLOSE_FLOOD)
                    return
                raise ProtocolError("rate_limited", _("Too many requests: slow down a little."))
            self.refused = 0
            check_frame(frame)
            await self.dispatch_frame(frame, request_id)
        except ProtocolError as exc:
            if self.in_flight:
                await asyncio.wait(self.in_flight)  # answered in the order sent: after the queued posts
            await self.send_json({"type": "error", "id": request_id, "code": exc.code, "message": exc.message})

    def parse(self, text_data, bytes_data):
        raw = text_data if text_data is not None else bytes_data
        if raw is None or over_frame_limit(raw):
            raise ProtocolError("too_large", _("The frame is too large."))
        try:
            frame = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise ProtocolError("bad_json", _("The frame is not valid JSON."))
        except RecursionError:  # thousands of nested brackets: the decoder gives up (deep ones: check_frame)
            raise ProtocolError("bad_frame", _("The frame is nested too deeply."))
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            raise ProtocolError("bad_frame", _("A frame is a JSON object with a type."))
        return frame

    async def dispatch_frame(self, frame, request_id):
        kind = frame["type"]
        if self.in_flight and not (kind in COMMANDS and COMMANDS[kind].batched):
            await asyncio.wait(self.in_flight)  # a socket's frames are answered in the order it sent them
        if kind == "resume":
            after = frame.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                raise ProtocolError("bad_frame", _("resume needs a sequence number: {\"after\": 0}."))
            await self.resume(after)
        elif kind == "ping":
            await self.send_json({"type": "pong", "id": request_id})
        elif kind == "typing":
            await self.typing(frame, request_id)
        elif kind in COMMANDS:
            await self.run(COMMANDS[kind], frame, request_id)
        else:
            raise ProtocolError("unknown_type", _("Unknown frame type."))

    async def run(self, command, frame, request_id):
        data = frame.get("data", frame)
        if not isinstance(data, dict):
            raise ProtocolError("bad_frame", _("The frame's data must be an object."))
        if command.batched:
            # Written with other sockets' posts (realtime/group_commit.py): queue it in order, answer
            # when its batch is written, and read the next frame meanwhile (up to MAX_IN_FLIGHT).
            if len(self.in_flight) >= MAX_IN_FLIGHT:
                await asyncio.wait(self.in_flight, return_when=asyncio.FIRST_COMPLETED)
            outcome = group_commit.submit(command, self.team.pk, self.user, data)
            task = asyncio.ensure_future(self.answer(command, outcome, request_id))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
            return
        await self.answer(command, run_command(command, self.user, self.team.pk, data), request_id)

    async def answer(self, command, outcome, request_id):
        """Await a command's outcome and send the ack, or the error, to this client."""
        try:
            try:
                event = await outcome
            except ValidationError as exc:
                # Codes a client acts on differently: wait (rate_limited), or take the newer state (stale).
                code = exc.code if getattr(exc, "code", None) in ("rate_limited", "stale") else "invalid"
                raise ProtocolError(code, error_text(exc))
            except PermissionDenied as exc:
                raise ProtocolError("forbidden", error_text(exc))
            except ObjectDoesNotExist:
                raise ProtocolError("not_found", _("Not found in this team."))
            except Exception:
                log.exception("command %s failed", command.name)
                raise ProtocolError("server_error", _("Something went wrong on our side; nothing was saved."))
        except ProtocolError as exc:
            await self.send_json({"type": "error", "id": request_id, "code": exc.code, "message": exc.message})
            return
        await self.send_json({"type": "ack", "id": request_id, "seq": event.seq if event else None})

    # Events ---------------------------------------------------------------------------

    async def dispatch(self, message):
        """Channel-layer messages skip channels' per-message close_old_connections hop.

        channels runs close_old_connections in the database thread before every handler: one
        thread hop per event per connection, serialised with the posts themselves (the largest
        cost of fan-out, docs/benchmarks.md). These handlers reach the database only through
        database_sync_to_async, which closes old connections around each call anyway.
        """
        if message["type"] in ("team.events", "team.ephemeral", "websocket.receive"):
            # websocket.receive too: a frame (or a flood of them) costs no database-thread hop of its own
            return await getattr(self, message["type"].replace(".", "_"))(message)
        return await super().dispatch(message)


    async def resume(self, after):
        async with self.delivering:
            # Clamped to the log's end: events are delivered only past last_sent, so a claim beyond
            # it (a stale client of a restored database, or a hostile one) would drop every live event.
            self.last_sent = min(after, await latest_seq(self.team.pk))
            self.held.clear()
            await self.catch_up()
            self.resumed = True
            if self.highest_rung > self.last_sent:  # rung while we read the log
                await self.catch_up()
            await self.send_json({"type": "resumed", "seq": self.last_sent})

    async def catch_up(self):
        while True:
            frames = await load_events(self.team.pk, self.last_sent)
            for frame in frames:
                await self.deliver(frame)
            if len(frames) < REPLAY_LIMIT:
                return

    async def deliver(self, frame, text=None):
        """Send one event frame (`text`: the same frame already serialised by events.ring)."""
        if frame["seq"] <= self.last_sent:
            return  # a duplicate: the client has it
        self.last_sent = frame["seq"]
        if text is None:
            await self.send_json(frame)
        else:
            await self.send(text_data=text)
        if frame["event"].startswith("member.") or frame["event"] == "team.archived":
            await self.recheck_access()  # a changed role applies at once

    async def team_events(self, message):
        """A transaction's events, rung once (events.ring): [[seq, kind, frame text], ...]."""
        for seq, kind, text in message["events"]:
            await self.rung(seq, kind, text)

    async def rung(self, seq, kind, text):
        """One rung event (`text`: its client frame, serialised once by events.ring_message)."""
        frame = {"seq": seq, "event": kind}
        self.highest_rung = max(self.highest_rung, seq)
        if not self.resumed:
            return
        async with self.delivering:
            if frame["seq"] <= self.last_sent + 1:
                await self.deliver(frame, text)
                await self.deliver_held()
                return
            # Rings from several daphne processes can overtake each other: hold this one for a
            # moment instead of every socket reading the log at once; a ring that stays lost is
            # read from the log when the wait is over.
            self.held[seq] = (frame, text)
            if self.gap_task is None or self.gap_task.done():
                self.gap_task = asyncio.ensure_future(self.fill_gap_after(GAP_WAIT_SECONDS))

    async def deliver_held(self):
        while self.last_sent + 1 in self.held:
            await self.deliver(*self.held.pop(self.last_sent + 1))
        self.held = {seq: item for seq, item in self.held.items() if seq > self.last_sent}

    async def fill_gap_after(self, seconds):
        await asyncio.sleep(seconds)
        async with self.delivering:
            if self.held:
                await self.catch_up()
                await self.deliver_held()

    async def team_ephemeral(self, message):
        frame = message["frame"]
        if frame.get("type") == "presence" and "user" in frame:  # newer than the snapshot it may miss
            self.announced[frame["user"]] = (frame["state"], time.time())
        if message.get("sender") != self.channel_name:
            await self.send_json(message["frame"])

    async def user_access(self, message):
        """The person's sign-in or cluster bodies changed (realtime/sessions.py rings "user.<id>")."""
        if message.get("session") is not None and message["session"] == self.session_key:
            await self.close(code=CLOSE_SIGNED_OUT)  # this session logged out
        else:
            await self.recheck_access()

    async def notify_ring(self, message):
        """The bell's ring in the same group: for the /ws/me/ socket (NotificationConsumer), not this one."""

    async def recheck_access(self, team=True):
        """Close unless the socket's session still signs its person in and (team socket) they may see the team.

        The person is re-read from the database: cached permissions and a stale is_active are dropped.
        `team=False` (every heartbeat of every socket): the sign-in only, two queries instead of eight."""
        user, allowed = await current_access(self.user.pk, self.session_key,
                                             self.team.pk if team and self.team is not None else None)
        if user is None:
            await self.close(code=CLOSE_SIGNED_OUT)
        elif not allowed:
            await self.send_json({"type": "error", "id": None, "code": "forbidden",
                                  "message": _("You no longer have access to this team.")})
            await self.close(code=CLOSE_FORBIDDEN)
        else:
            self.user = user
        return allowed

    async def close(self, code=None, reason=None):
        self.closing = True
        await super().close(code=code, reason=reason)

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    async def send(self, text_data=None, bytes_data=None, close=False):
        """Frames for a socket that is closing or gone are dropped quietly: a client that comes back
        resumes from the log (an ack it missed included). Answers of queued posts and rings arrive
        at any time, also after the server's own close or the client's."""
        if self.closing:
            return
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except Disconnected:  # daphne (autobahn): the client's close came, its disconnect has not yet
            self.closing = True
