"""Who is online in a team, across daphne processes: ephemeral, never stored in the event log.

Each connection keeps an entry under the person's key in the cache (Redis when REDIS_URL is
set, so every process sees it): `presence:<team>:<user>` → {channel name: expiry}. The
consumer refreshes its entry every HEARTBEAT seconds; entries of a crashed process expire
after TTL. Joins and leaves are announced on the team group as `team.ephemeral` messages;
each connection also re-reads the online set at every heartbeat and sends a fresh snapshot
when it changed, so a lost announcement heals within one heartbeat.

Cost per connection is O(1) (docs/benchmarks.md): the online set of a team is computed (the
members from the database, one cache read of their keys) at most once per SNAPSHOT_AGE per
team and kept in the cache as `presence:<team>:snapshot` → (computed at, ids); a connecting
client or a heartbeat reads that one key. Changes newer than the snapshot reach clients as
announcements; the consumer applies announcements newer than a snapshot on top of it.

A cache outage never breaks a connection: presence then reports nobody, and recovers.
"""
import logging
import os
import time

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from teams.models import Membership

from .commands.discussion import typing_frame
from .protocol import ProtocolError, error_text
from .socket import Socket

log = logging.getLogger(__name__)

HEARTBEAT = float(os.environ.get("WS_HEARTBEAT_SECONDS", getattr(settings, "WS_HEARTBEAT_SECONDS", 20)))
TTL = HEARTBEAT * 3
SNAPSHOT_AGE = float(os.environ.get("WS_PRESENCE_SNAPSHOT_SECONDS", min(5.0, HEARTBEAT / 2)))


def _key(team_id: int, user_id: int) -> str:
    return f"presence:{team_id}:{user_id}"


def _live(entries: dict | None, now: float) -> dict[str, float]:
    return {name: expiry for name, expiry in (entries or {}).items() if expiry > now}


def join(team_id: int, user_id: int, channel_name: str) -> bool:
    """Add or refresh this connection; True if the person was not online before."""
    try:
        now = time.time()
        entries = _live(cache.get(_key(team_id, user_id)), now)
        was_online = bool(entries)
        entries[channel_name] = now + TTL
        cache.set(_key(team_id, user_id), entries, timeout=int(TTL) + 1)
        if not was_online:
            _patch_snapshot(team_id, user_id, True)
        return not was_online
    except Exception:
        log.warning("presence unavailable", exc_info=True)
        return False


def leave(team_id: int, user_id: int, channel_name: str) -> bool:
    """Remove this connection; True if the person has no connection left."""
    try:
        now = time.time()
        entries = _live(cache.get(_key(team_id, user_id)), now)
        entries.pop(channel_name, None)
        if entries:
            cache.set(_key(team_id, user_id), entries, timeout=int(TTL) + 1)
        else:
            cache.delete(_key(team_id, user_id))
            _patch_snapshot(team_id, user_id, False)
        return not entries
    except Exception:
        log.warning("presence unavailable", exc_info=True)
        return False


def member_ids(team_id: int) -> list[int]:
    return list(Membership.objects.filter(team_id=team_id, state=Membership.State.ACTIVE)
                .values_list("user_id", flat=True))


def online(team_id: int, user_ids: list[int]) -> list[int]:
    """The ids among `user_ids` with a live connection to the team, sorted."""
    try:
        found = cache.get_many([_key(team_id, user_id) for user_id in user_ids])
    except Exception:
        log.warning("presence unavailable", exc_info=True)
        return []
    now = time.time()
    return sorted(user_id for user_id in user_ids if _live(found.get(_key(team_id, user_id)), now))


def _snapshot_key(team_id: int) -> str:
    return f"presence:{team_id}:snapshot"


def _patch_snapshot(team_id: int, user_id: int, is_online: bool) -> None:
    """Keep a cached snapshot current for people who connect after a change (two cache calls).

    Not atomic across processes: a lost patch heals when the snapshot is next computed."""
    found = cache.get(_snapshot_key(team_id))
    if found is None:
        return
    at, ids = found
    ids = sorted(set(ids) | {user_id}) if is_online else [i for i in ids if i != user_id]
    cache.set(_snapshot_key(team_id), (at, ids), timeout=max(1, int(SNAPSHOT_AGE) + 1))


def snapshot(team_id: int) -> tuple[float, list[int]]:
    """(computed at, sorted online ids) of the team, at most SNAPSHOT_AGE old: one cache read."""
    now = time.time()
    try:
        found = cache.get(_snapshot_key(team_id))
    except Exception:
        log.warning("presence unavailable", exc_info=True)
        return now, []
    if found is not None and now - found[0] < SNAPSHOT_AGE:
        return found
    ids = online(team_id, member_ids(team_id))
    try:
        cache.set(_snapshot_key(team_id), (now, ids), timeout=max(1, int(SNAPSHOT_AGE) + 1))
    except Exception:
        log.warning("presence unavailable", exc_info=True)
    return now, ids



class PresenceSocket(Socket):
    """Mixin of the team consumer: presence and typing, ephemeral (no seq, never replayed)."""

    # user id -> (presence state, time.time()); None until the socket is accepted and announces itself.
    announced: dict[int, tuple[str, float]] | None = None

    async def announce_presence(self) -> None:
        self.announced = {}
        if await database_sync_to_async(join)(self.team_id, self.user.pk, self.channel_name):
            await self.ephemeral({"type": "presence", "user": self.user.pk, "state": "online"})
        self.online = await self.online_now()
        await self.send_json({"type": "presence", "online": self.online})

    async def refresh_presence(self) -> None:
        """The heartbeat's part: renew this connection's entry, send the online set if it changed."""
        await database_sync_to_async(join)(self.team_id, self.user.pk, self.channel_name)
        online = await self.online_now()
        if online != self.online:
            self.online = online
            await self.send_json({"type": "presence", "online": online})

    async def leave_presence(self) -> None:
        if await database_sync_to_async(leave)(self.team_id, self.user.pk, self.channel_name):
            await self.ephemeral({"type": "presence", "user": self.user.pk, "state": "offline"})

    async def online_now(self) -> list[int]:
        """The team's cached online snapshot (one cache read), with this person and newer announcements."""
        at, snapshot_ids = await database_sync_to_async(snapshot)(self.team_id)
        ids = set(snapshot_ids) | {self.user.pk}
        announced = self.announced if self.announced is not None else {}
        for user_id, (state, stamp) in list(announced.items()):
            if stamp < at - SNAPSHOT_AGE:
                del announced[user_id]  # long covered by snapshots
            elif stamp >= at:
                (ids.add if state == "online" else ids.discard)(user_id)
        return sorted(ids)

    async def ephemeral(self, frame: dict, private: int | None = None) -> None:
        """`private`: a private channel's frame, sent only by its members' sockets."""
        try:
            await self.channel_layer.group_send(self.group, {"type": "team.ephemeral", "frame": frame,
                                                             "sender": self.channel_name, "private": private})
        except Exception:  # ephemeral frames may be lost; presence heals at the next heartbeat
            log.warning("could not send %s", frame.get("type"), exc_info=True)

    async def typing(self, frame: dict) -> None:
        data = frame.get("data", frame)
        if not isinstance(data, dict):
            raise ProtocolError("bad_frame", _("The frame's data must be an object."))
        try:
            typing, private = await database_sync_to_async(typing_frame)(self.user, self.team_id, data)
        except ValidationError as exc:
            raise ProtocolError("invalid", error_text(exc))
        except PermissionDenied as exc:
            raise ProtocolError("forbidden", error_text(exc))
        except ObjectDoesNotExist:
            raise ProtocolError("not_found", _("Not found in this team."))
        await self.ephemeral(typing, private)

    async def team_ephemeral(self, message: dict) -> None:
        if self.announced is None:
            # Still connecting (the process's fan-out delivers while connect() runs, realtime/fanout.py): nothing
            # may be sent before the handshake is accepted, and the presence snapshot it sends next covers this.
            return
        frame = message["frame"]
        if frame.get("type") == "presence" and "user" in frame:  # newer than the snapshot it may miss
            self.announced[frame["user"]] = (frame["state"], time.time())
        private = message.get("private")
        if private is not None and private not in getattr(self, "private_channels", ()):
            return  # a private channel's typing, and this person is not in it
        if message.get("sender") != self.channel_name:
            await self.send_json(message["frame"])
