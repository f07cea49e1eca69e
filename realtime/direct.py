"""A conversation's socket: `/ws/dm/<id>/` (protocol in docs/realtime.md, "Direct messages").

Session-authenticated; a handshake of anyone but a participant is refused (as for a conversation that does
not exist). Frames are parsed and limited as on the team socket (TeamConsumer.receive). The group "dm.<id>"
only rings: the socket reads its conversation's log after the last seq it sent, so events go out in order,
once, whatever rings are lost or doubled; the heartbeat reads it too.

client → server: {"type": "resume", "after": <seq>} → the events after it, then {"type": "resumed", "seq"}
                 (after > the log's end: an error "stale" with the end as "seq", then the resume from there);
                 dm.post {body}, dm.edit {message, body}, dm.delete {message}, dm.react / dm.unreact
                 {message, emoji}, dm.read {message} → ack {"id", "seq"} or error; ping → pong.
server → client: {"type": "event", "seq", "event", "data", "actor", "at"}
"""
import asyncio

from channels.db import database_sync_to_async
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from teams.direct import log, messages, reactions
from teams.direct.access import conversation_for
from teams.direct.forms import PostFrame
from teams.direct.models import Conversation
from teams.discussion.forms import EditFrame, MessageRefFrame, ReactionFrame
from teams.notify.services import user_group

from .consumers import TeamConsumer
from .limits import RateLimit
from .protocol import Command, ProtocolError, error_text, validated
from .socket import scope_user

COMMANDS = {command.name: command for command in [
    Command("dm.post", PostFrame, lambda user, pk, data: messages.post_message(user, pk, body=data["body"])),
    Command("dm.edit", EditFrame, lambda user, pk, data: messages.edit_message(user, pk, **data)),
    Command("dm.delete", MessageRefFrame, lambda user, pk, data: messages.delete_message(user, pk, **data)),
    Command("dm.react", ReactionFrame, lambda user, pk, data: reactions.add_reaction(user, pk, **data)),
    Command("dm.unreact", ReactionFrame, lambda user, pk, data: reactions.remove_reaction(user, pk, **data)),
    Command("dm.read", MessageRefFrame, lambda user, pk, data: reactions.mark_read(user, pk, **data)),
]}


@database_sync_to_async
def participating(user, conversation_id) -> Conversation | None:
    try:
        return conversation_for(user, conversation_id)
    except Conversation.DoesNotExist:
        return None


@database_sync_to_async
def last_seq(conversation_id: int) -> int:
    return Conversation.objects.values_list("last_seq", flat=True).get(pk=conversation_id)


@database_sync_to_async
def frames_after(conversation_id: int, seq: int) -> list[dict]:
    return [event.as_frame() for event in log.events_after(conversation_id, seq)]


@database_sync_to_async
def run(command: Command, user, conversation_id: int, data: dict):
    return command.handler(user, conversation_id, validated(command, data))


class DirectConsumer(TeamConsumer):
    """Reuses the team consumer's frame parsing, size and rate limits, sign-in checks and idle timeout."""

    async def connect(self):
        self.user = scope_user(self.scope)
        self.session_key = self.scope["session"].session_key
        self.team = None
        self.conversation = None
        if self.user.is_authenticated:
            self.conversation = await participating(self.user, self.scope["url_route"]["kwargs"]["conversation_id"])
        if self.conversation is None:
            await self.close()  # before accept: the handshake is refused with 403
            return
        self.group = log.conversation_group(self.conversation.pk)
        self.limit = RateLimit()
        self.sent = None  # the last seq sent; None until the client resumed
        self.reading = asyncio.Lock()  # one read of the log at a time: events go out in order, once
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)  # sign-out rings
        await self.accept()
        self.heartbeat_task = asyncio.ensure_future(self.heartbeat())
        self.start_idle_timer()

    async def disconnect(self, code):
        if getattr(self, "conversation", None) is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)

    async def beat(self):
        """Still a participant (an erased person's socket closes), then whatever a lost ring left out."""
        if await participating(self.user, self.conversation.pk) is None:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)
        await self.catch_up()

    async def catch_up(self):
        async with self.reading:
            while self.sent is not None:
                frames = await frames_after(self.conversation.pk, self.sent)
                for frame in frames:
                    await self.send_json(frame)
                    self.sent = frame["seq"]
                if len(frames) < log.REPLAY_LIMIT:
                    return

    async def dm_ring(self, message):
        await self.catch_up()

    async def dispatch_frame(self, frame, request_id):
        kind = frame["type"]
        if kind == "resume":
            after = frame.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                raise ProtocolError("bad_frame", _("resume needs a sequence number: {\"after\": 0}."))
            end = await last_seq(self.conversation.pk)
            if after > end:  # a client ahead of the log (a restored database): told, and resumed from the end
                await self.send_json({"type": "error", "id": request_id, "code": "stale", "seq": end,
                                      "message": _("This conversation has fewer events than you asked to resume "
                                                   "after; it resumes from its last one.")})
            async with self.reading:
                self.sent = min(after, end)
            await self.catch_up()
            await self.send_json({"type": "resumed", "seq": self.sent})
        elif kind == "ping":
            await self.send_json({"type": "pong", "id": request_id})
        elif kind in COMMANDS:
            await self.command(COMMANDS[kind], frame, request_id)
        else:
            raise ProtocolError("unknown_type", _("Unknown frame type."))

    async def command(self, command: Command, frame: dict, request_id):
        data = frame.get("data", frame)
        if not isinstance(data, dict):
            raise ProtocolError("bad_frame", _("The frame's data must be an object."))
        try:
            event = await run(command, self.user, self.conversation.pk, data)
        except ValidationError as exc:
            code = getattr(exc, "code", None)
            raise ProtocolError("rate_limited" if code == "rate_limited" else "invalid", error_text(exc))
        except PermissionDenied as exc:
            raise ProtocolError("forbidden", error_text(exc))
        except ObjectDoesNotExist:
            raise ProtocolError("not_found", _("Not found in this conversation."))
        await self.send_json({"type": "ack", "id": request_id, "seq": event.seq if event else None})
