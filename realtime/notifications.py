"""The personal socket: `/ws/me/` — the bell's live notifications (protocol in docs/realtime.md).

Session-authenticated (the Origin is checked by the ASGI stack's AllowedHostsOriginValidator);
an anonymous handshake is refused. The channel-layer group "user.<id>" only rings: the
consumer reads the notification from the database and checks it is this user's.

client → server: {"type": "resume", "after": <notification id>}  → up to 20 newer notifications
                 (oldest first), then {"type": "resumed", "last": <id>, "unread": <n>, "messages": <n>}
                 ("messages": unread direct messages, the header's count)
                 {"type": "read", "id": "<request id>", "ids": [..]} or {"type": "read", "all": true}
                 → {"type": "ack", "id": ..., "unread": <n>}
                 {"type": "ping"} → {"type": "pong"}
                 Nothing received for WS_IDLE_SECONDS → close 4408, as the team socket.
server → client: {"type": "notification", "id", "kind", "text", "url", "team", "read", "at", "unread"}
                 (also when one is read, here or on another page: "read": true and the new "unread")
                 {"type": "messages", "unread": <n>} when the unread direct messages change (teams/direct/log.py)
"""
import asyncio

from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from teams.direct.selectors import unread_total
from teams.notify import services
from teams.notify.models import Notification

from .consumers import TeamConsumer
from .limits import RateLimit
from .protocol import ProtocolError
from .socket import scope_user

RESUME_LIMIT = 20
RING_LIMIT = 500  # ids one ring may name (a read frame names at most 500)


def unread_count(user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


@database_sync_to_async
def load_after(user_id: int, after: int) -> tuple[list[dict], int, int, int]:
    items = list(Notification.objects.filter(recipient_id=user_id, pk__gt=after).order_by("-pk")[:RESUME_LIMIT])
    last = Notification.objects.filter(recipient_id=user_id).order_by("-pk").values_list("pk", flat=True).first()
    return [n.as_frame() for n in reversed(items)], last or 0, unread_count(user_id), unread_total(user_id)


@database_sync_to_async
def load_rung(user_id: int, ids: object) -> list[dict]:
    """The rung notifications that are this person's (two queries whatever their number), each with the count."""
    if not isinstance(ids, list) or not ids:
        return []
    notifications = list(Notification.objects.filter(pk__in=ids[:RING_LIMIT], recipient_id=user_id).order_by("pk"))
    unread = unread_count(user_id) if notifications else 0
    return [{**notification.as_frame(), "unread": unread} for notification in notifications]


@database_sync_to_async
def mark_read(user: User, ids: list[int] | None) -> int:
    services.mark_read(user, ids=ids)
    return unread_count(user.pk)


class NotificationConsumer(TeamConsumer):
    """Reuses the team consumer's frame parsing, size and rate limits; nothing team-related."""

    async def connect(self):
        self.user = scope_user(self.scope)
        self.session_key = self.scope["session"].session_key
        self.team = None
        if not self.user.is_authenticated:
            await self.close()
            return
        self.group = services.user_group(self.user.pk)  # rings of the bell and of realtime/sessions.py
        self.limit = RateLimit()
        self.joined = True
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.heartbeat_task = asyncio.ensure_future(self.heartbeat())
        self.start_idle_timer()

    async def beat(self):
        pass  # the heartbeat's access check and group re-join are all this socket needs

    async def disconnect(self, code):
        if getattr(self, "joined", False):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def dispatch_frame(self, frame, request_id):
        kind = frame["type"]
        if kind == "resume":
            after = frame.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                raise ProtocolError("bad_frame", _("resume needs a notification id: {\"after\": 0}."))
            frames, last, unread, direct = await load_after(self.user.pk, after)
            for item in frames:
                await self.send_json(item)
            await self.send_json({"type": "resumed", "last": last, "unread": unread, "messages": direct})
        elif kind == "read":
            ids = None if frame.get("all") is True else frame.get("ids")  # None: all
            if frame.get("all") is not True and not isinstance(ids, list):
                raise ProtocolError("bad_frame", _("read needs \"ids\": [..] or \"all\": true."))
            if ids is not None and len(ids) > RING_LIMIT:
                raise ProtocolError("invalid", _("read takes at most 500 ids."))
            try:
                unread = await mark_read(self.user, ids)
            except ValidationError as exc:
                raise ProtocolError("invalid", " ".join(exc.messages))
            await self.send_json({"type": "ack", "id": request_id, "unread": unread})
        elif kind == "ping":
            await self.send_json({"type": "pong", "id": request_id})
        else:
            raise ProtocolError("unknown_type", _("Unknown frame type."))

    async def notify_ring(self, message):
        for frame in await load_rung(self.user.pk, message.get("ids")):
            await self.send_json(frame)

    async def dm_unread(self, message):
        await self.send_json({"type": "messages", "unread": await database_sync_to_async(unread_total)(self.user.pk)})
