"""One socket per team page: `/ws/teams/<slug>/`.

The consumer authenticates, checks the viewer may see the team, replays the event log
after the sequence number the client names, then streams live events. Commands are
translated into service calls through realtime.protocol.COMMANDS. Nothing here decides
what a user may change: the services do.

Its parts, by topic: what a socket may send (realtime/limits.py), the order its events
arrive in (realtime/ordering.py), presence and typing (realtime/presence.py), the sign-in
checks, heartbeat and idle timeout (realtime/sessions.py).
"""
import asyncio
import json
import logging
import time
from collections.abc import Awaitable

from autobahn.exception import Disconnected
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from teams.audit.trail import serving
from teams.events import team_group
from teams.models import Event, Team
from teams.notify.services import user_group
from teams.permissions import can_view

from . import fanout, group_commit, presence
from .limits import CLOSE_FLOOD, MAX_IN_FLIGHT, RateLimit, parse_frame
from .ordering import OrderedDelivery
from .presence import PresenceSocket
from .protocol import COMMANDS, Command, ProtocolError, check_frame, error_text, validated
from .sessions import SessionSocket
from .socket import scope_language, scope_user

log = logging.getLogger(__name__)


@database_sync_to_async
def viewable_team(user: User, slug: str) -> Team | None:
    team = Team.objects.filter(slug=slug).first()
    return team if team is not None and can_view(user, team) else None


@database_sync_to_async
def run_command(command: Command, user: User, team_id: int, data: dict, address: str | None) -> Event | None:
    # Here, in the thread that runs the service: audit entries it makes carry the socket's address.
    with serving(address, lambda: user):
        data = validated(command, data)  # the command's schema, before anything runs
        team = Team.objects.get(pk=team_id)  # fresh: status and dates may have changed
        return command.handler(user, team, data)


class TeamConsumer(SessionSocket, PresenceSocket, OrderedDelivery, AsyncWebsocketConsumer):
    # Per connection (class defaults so subclasses with their own connect share them).
    address: str | None = None  # the client's, for the audit trail (set at connect)
    closing = False  # the server closed the socket (or found it closed): frames still queued are dropped
    hub: fanout.Hub | None = None  # this process's fan-out of the team's rings, once joined

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight: set[asyncio.Task] = set()  # answers of queued posts; also for subclasses' connect

    async def __call__(self, scope, receive, send):
        try:
            # The whole connection speaks the person's language: every task it starts (and the threads
            # running its services) inherits it through the context.
            with translation.override(scope_language(scope)):
                await super().__call__(scope, receive, send)
        finally:  # also when the consumer died (e.g. the layer's Redis went away) without a disconnect
            for task in (getattr(self, "heartbeat_task", None), getattr(self, "idle_task", None),
                         getattr(self, "gap_task", None), getattr(self, "inbox_task", None), *self.in_flight):
                if task is not None:
                    task.cancel()
            if self.hub is not None:  # a consumer that died without a disconnect takes no more rings
                try:
                    await self.hub.leave(self)
                except Exception:  # the layer is gone; the hub forgot this socket before it failed
                    log.warning("could not leave the team's fan-out", exc_info=True)
            if getattr(self, "team", None) is not None and not getattr(self, "left", True):
                try:
                    await database_sync_to_async(presence.leave)(self.team_id, self.user.pk, self.channel_name)
                except Exception:  # its entry expires after presence.TTL anyway
                    log.warning("could not clear presence", exc_info=True)

    async def connect(self) -> None:
        self.user = scope_user(self.scope)
        self.address = (self.scope.get("client") or [None])[0]  # for the audit trail
        self.session_key = self.scope["session"].session_key
        self.team = None
        if self.user.is_authenticated:
            self.team = await viewable_team(self.user, self.scope["url_route"]["kwargs"]["slug"])
        if self.team is None:
            await self.close()  # before accept: the handshake is refused with 403
            return
        self.group = team_group(self.team.pk)
        self.start_delivery()
        self.limit = RateLimit()
        self.hub = fanout.hub(self.channel_layer, self.group)  # the team's rings, through this process's hub
        await self.hub.join(self)
        await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)  # sessions.ring
        await self.accept()
        self.left = False
        await self.announce_presence()
        self.heartbeat_task = asyncio.ensure_future(self.heartbeat())
        self.start_idle_timer()

    async def disconnect(self, code: int) -> None:
        if self.team is None:
            return
        for task in (getattr(self, "heartbeat_task", None), getattr(self, "idle_task", None),
                     getattr(self, "gap_task", None), getattr(self, "inbox_task", None)):
            if task is not None:
                task.cancel()
        try:
            if self.hub is not None:
                await self.hub.leave(self)
            await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)
        finally:
            self.left = True
            await self.leave_presence()

    async def rejoin(self) -> None:
        if self.hub is None:  # /ws/me/ (NotificationConsumer): its own group
            await super().rejoin()
        else:
            await self.hub.rejoin()

    async def beat(self) -> None:
        """The heartbeat's own part (sessions.SessionSocket.heartbeat): refresh presence, fill any gap."""
        await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)
        await self.refresh_presence()
        await self.fill_gap()

    # Client → server ------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        request_id = None
        self.last_heard = time.monotonic()
        if self.closing:
            return  # frames still queued (a flood, a signed-out person's) are not run
        try:
            frame = parse_frame(text_data, bytes_data)
            request_id = frame.get("id")
            if type(request_id) not in (str, int, type(None)) or len(str(request_id)) > 64:  # not bool
                request_id = None
                raise ProtocolError("bad_frame", _("The request id must be a short string."))
            if not self.limit.admit():
                await self.close(code=CLOSE_FLOOD)
                return
            check_frame(frame)
            await self.dispatch_frame(frame, request_id)
        except ProtocolError as exc:
            if self.in_flight:
                await asyncio.wait(self.in_flight)  # answered in the order sent: after the queued posts
            await self.send_json({"type": "error", "id": request_id, "code": exc.code, "message": exc.message})

    async def dispatch_frame(self, frame: dict, request_id: str | int | None) -> None:
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
            await self.typing(frame)
        elif kind in COMMANDS:
            await self.run(COMMANDS[kind], frame, request_id)
        else:
            raise ProtocolError("unknown_type", _("Unknown frame type."))

    async def run(self, command: Command, frame: dict, request_id: str | int | None) -> None:
        data = frame.get("data", frame)
        if not isinstance(data, dict):
            raise ProtocolError("bad_frame", _("The frame's data must be an object."))
        if command.batched:
            # Written with other sockets' posts (realtime/group_commit.py): queue it in order, answer
            # when its batch is written, and read the next frame meanwhile (up to MAX_IN_FLIGHT).
            if len(self.in_flight) >= MAX_IN_FLIGHT:
                await asyncio.wait(self.in_flight, return_when=asyncio.FIRST_COMPLETED)
            outcome = group_commit.submit(command, self.team_id, self.user, data)
            task = asyncio.ensure_future(self.answer(command, outcome, request_id))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
            return
        await self.answer(command, run_command(command, self.user, self.team_id, data, self.address), request_id)

    async def answer(self, command: Command, outcome: Awaitable, request_id: str | int | None) -> None:
        """Await a command's outcome and send the ack, or the error, to this client."""
        try:
            try:
                event = await outcome
            except ValidationError as exc:
                # Codes a client acts on differently: wait (rate_limited), take the newer state (stale),
                # say the column is full (wip_limit).
                code = getattr(exc, "code", None)  # a ValidationError of a list or a dict has none
                raise ProtocolError(code if code in ("rate_limited", "stale", "wip_limit") else "invalid",
                                    error_text(exc))
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

    # Server → client ------------------------------------------------------------------

    async def dispatch(self, message: dict) -> None:
        """Channel-layer messages skip channels' per-message close_old_connections hop.

        channels runs close_old_connections in the database thread before every handler: one
        thread hop per event per connection, serialised with the posts themselves (the largest
        cost of fan-out, docs/benchmarks.md). These handlers reach the database only through
        database_sync_to_async, which closes old connections around each call anyway.
        """
        idle = getattr(self, "inbox_idle", None)  # a team socket's (not /ws/me/'s), once accepted
        if message["type"] == "websocket.receive" and idle is not None:
            # Rings queued before this frame are handled first, as when channels took both from one queue: a
            # frame sent after a member event runs with the access that event left (OrderedDelivery.take).
            await idle.wait()
        if message["type"] in ("team.events", "team.ephemeral", "websocket.receive"):
            # websocket.receive too: a frame (or a flood of them) costs no database-thread hop of its own
            return await getattr(self, message["type"].replace(".", "_"))(message)
        return await super().dispatch(message)

    async def notify_ring(self, message: dict) -> None:
        """The bell's ring in the same group: for the /ws/me/ socket (NotificationConsumer), not this one."""

    async def dm_unread(self, message: dict) -> None:
        """The direct messages' unread count changed: for the /ws/me/ socket too."""

    async def close(self, code: int | None = None, reason: str | None = None) -> None:
        self.closing = True
        await super().close(code=code, reason=reason)

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    # channels' AsyncWebsocketConsumer.send already replaces AsyncConsumer.send(message) with this signature
    # (its stubs ignore the same override error); this one keeps the websocket signature.
    async def send(  # type: ignore[override]
            self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False) -> None:
        """Frames for a socket that is closing or gone are dropped quietly: a client that comes back
        resumes from the log (an ack it missed included). Answers of queued posts and rings arrive
        at any time, also after the server's own close or the client's."""
        if self.closing:
            return
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except Disconnected:  # daphne (autobahn): the client's close came, its disconnect has not yet
            self.closing = True
