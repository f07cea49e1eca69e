"""A socket authenticates once: whatever ends or narrows a person's sign-in must reach their open sockets.

The one place that tells them: Django's signals for logout, a saved user (deactivated, password
changed, deleted) and changed cluster bodies (Django groups) or fields of action ring the person's
channel-layer group "user.<id>" (teams.notify.services.user_group: the team sockets and /ws/me/ join it)
after commit. Each socket then checks again (`signed_in`, and can_view for a team socket) and closes
with 4401 or 4403 if it must (docs/realtime.md, "Closing"). A ring lost on the way is made up
for by the sockets' heartbeat, which checks the sign-in (not the team: that costs six more queries).
"""
import asyncio
import logging
import time
from collections.abc import Iterable
from importlib import import_module

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from teams.events import group_send
from teams.models import Profile, Team
from teams.notify.services import user_group
from teams.permissions import can_view

from . import presence
from .socket import Socket

log = logging.getLogger(__name__)


def ring(user_ids: Iterable[int | None], ended_session: str | None = None) -> None:
    """After commit, tell each person's sockets to check their access again (`ended_session`: closed at once)."""
    known = [user_id for user_id in user_ids if user_id is not None]

    def send() -> None:
        for user_id in known:
            try:
                group_send(user_group(user_id), {"type": "user.access", "session": ended_session})
            except Exception:  # the socket's next heartbeat checks anyway
                log.warning("could not tell the sockets of user %s", user_id, exc_info=True)

    transaction.on_commit(send)


def signed_in(user_id: int, session_key: str | None) -> User | None:
    """The person, fresh from the database, if the session their socket opened with still signs them in.

    The check django.contrib.auth.get_user makes on every request (the session names the user, the user is
    active, the session's auth hash matches the password), but never flushes the session: that is the
    request's business (a password change rings before the changer's session is stored anew)."""
    if session_key is None:
        return None
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if session.get(SESSION_KEY) != str(user_id):  # logged out: the session is gone (or another person's)
        return None
    user = User._default_manager.filter(pk=user_id, is_active=True).first()
    stored = session.get(HASH_SESSION_KEY) or ""
    if user is None or not any(constant_time_compare(stored, expected) for expected in
                               (user.get_session_auth_hash(), *user.get_session_auth_fallback_hash())):
        return None
    return user


@receiver(user_logged_out, dispatch_uid="realtime.sessions.logged_out")
def logged_out(sender, request, user, **kwargs):
    # Sent before the session is flushed: the ring names the session, whose sockets close without asking.
    if user is not None:
        ring([user.pk], ended_session=request.session.session_key)


@receiver(post_save, sender=User, dispatch_uid="realtime.sessions.user_saved")
def user_saved(sender, instance, created, update_fields=None, **kwargs):
    # Deactivated, password changed (its sessions' auth hash no longer matches) or anything else an
    # admin saves; not the last_login stamp of every login.
    if not created and (update_fields is None or {"is_active", "password"} & set(update_fields)):
        ring([instance.pk])


@receiver(post_delete, sender=User, dispatch_uid="realtime.sessions.user_deleted")
def user_deleted(sender, instance, **kwargs):
    ring([instance.pk])


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="realtime.sessions.groups_changed")
def groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A cluster body (group) added or taken: user.groups.* or group.user_set.* (reverse)."""
    if action == "pre_clear" and reverse:  # group.user_set.clear(): who is in it is known only now
        ring(list(instance.user_set.values_list("pk", flat=True)))
    elif action == "post_clear" and not reverse:
        ring([instance.pk])
    elif action in ("post_add", "post_remove"):
        ring(pk_set if reverse else [instance.pk])


@receiver(pre_delete, sender=Group, dispatch_uid="realtime.sessions.group_deleted")
def group_deleted(sender, instance, **kwargs):
    ring(list(instance.user_set.values_list("pk", flat=True)))


@receiver(m2m_changed, sender=Profile.fields_of_action.through, dispatch_uid="realtime.sessions.fields_changed")
def fields_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A field-of-action manager's fields (they read every team of theirs)."""
    if action == "pre_clear" and reverse:  # field.managers.clear()
        ring(list(instance.managers.values_list("user_id", flat=True)))
    elif action == "post_clear" and not reverse:
        ring([instance.user_id])
    elif action in ("post_add", "post_remove"):
        ring(Profile.objects.filter(pk__in=pk_set).values_list("user_id", flat=True) if reverse else [instance.user_id])


# The socket's side ------------------------------------------------------------------------

CLOSE_SIGNED_OUT = 4401  # the session the socket opened with no longer signs its person in
CLOSE_FORBIDDEN = 4403
CLOSE_IDLE = 4408  # nothing received for settings.WS_IDLE_SECONDS (live.js pings every 25 s)


@database_sync_to_async
def current_access(user_id: int, session_key: str | None, team_id: int | None) -> tuple[User | None, bool]:
    """(the person fresh from the database, or None if signed out; whether they may still see the team)."""
    user = signed_in(user_id, session_key)
    return user, user is not None and (team_id is None or can_view(user, Team.objects.get(pk=team_id)))


class SessionSocket(Socket):
    """Mixin of both consumers (team and /ws/me/): the sign-in checked again on a ring, at every
    heartbeat and when the team changes; a socket that sends nothing is closed."""

    async def heartbeat(self) -> None:
        """Check the sign-in again (a sessions ring may be lost), re-join the groups (a restarted Redis forgot
        them), then the socket's own beat."""
        while True:
            await asyncio.sleep(presence.HEARTBEAT)
            try:
                if not await self.recheck_access(team=False):
                    return
                await self.rejoin()
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("heartbeat failed", exc_info=True)

    async def rejoin(self) -> None:
        await self.channel_layer.group_add(self.group, self.channel_name)

    def start_idle_timer(self) -> None:
        """Every socket (team and /ws/me/) is closed after WS_IDLE_SECONDS without a frame."""
        self.last_heard = time.monotonic()
        self.idle_task = asyncio.ensure_future(self.close_when_idle(settings.WS_IDLE_SECONDS))

    async def close_when_idle(self, idle: float) -> None:
        """Close a socket that sent nothing (not even a ping) for `idle` seconds: the client resumes."""
        while True:
            remaining = self.last_heard + idle - time.monotonic()
            if remaining <= 0:
                await self.close(code=CLOSE_IDLE)
                return
            await asyncio.sleep(remaining)

    async def user_access(self, message: dict) -> None:
        """The person's sign-in or cluster bodies changed (`ring` above, on the group "user.<id>")."""
        if message.get("session") is not None and message["session"] == self.session_key:
            await self.close(code=CLOSE_SIGNED_OUT)  # this session logged out
        else:
            await self.recheck_access()

    async def recheck_access(self, team: bool = True) -> bool:
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
