"""The per-team event log and its doorbell.

`record` is called by services inside their transaction: it takes the next sequence
number (the UPDATE locks the team row, so numbers are gapless and ordered per team),
stores the event and, after commit, rings the team's channel-layer group. The layer
may lose a ring (Redis restart): clients resume from the database, which is the truth.

Hot path (docs/benchmarks.md): the number is taken with one `UPDATE … RETURNING` (PostgreSQL
and SQLite ≥ 3.35; other databases: UPDATE then SELECT). A service that must hold the team
lock before its own writes (post_messages: message ids follow seq order) calls `allocate`
first and passes the number to `record(seq=…)` / `record_many(last_seq=…)`. One ring per
transaction carries its events, each frame serialised once: every socket sends those strings
as they are, no json.dumps per socket.
"""
import datetime
import json
import logging
from collections.abc import Callable, Sequence

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import Event, Team

log = logging.getLogger(__name__)

# Events per read of the log: a resume sends batches of this size until it is caught up; the
# polling endpoint (teams.views.event_log) returns one batch and says whether it is complete.
REPLAY_LIMIT = 1000


# Who derives something from each recorded event, inside the writing transaction (registered
# in their app's ready(): teams/notify/apps.py registers the notifications).
_consumers: list[Callable[[list[Event], Team], object]] = []


def on_recorded(consumer: Callable[[list[Event], Team], object]) -> Callable[[list[Event], Team], object]:
    """Call `consumer(events, team)` with the events of every record from now on (one call for a batch,
    so a consumer can read and write once for all of them), inside the writing transaction; it must
    not raise (a fault would undo the team change)."""
    if consumer not in _consumers:
        _consumers.append(consumer)
    return consumer


# Who marks each event's readers before it is stored (teams/discussion/access.py: a private channel's events
# carry `private_channel`, and every reader of the log filters on it). Registered in their app's ready().
_scopers: list[Callable[[list[Event]], object]] = []


def on_scoping(scoper: Callable[[list[Event]], object]) -> Callable[[list[Event]], object]:
    """Call `scoper(events)` with the unsaved events of every record from now on, to set their audience."""
    if scoper not in _scopers:
        _scopers.append(scoper)
    return scoper


def team_group(team_id: int) -> str:
    return f"team.{team_id}"


def group_send(group: str, message: dict) -> None:
    """Send to a channel-layer group from synchronous code. The settings always name a layer;
    without one this raises, like any failing layer, for the caller to log."""
    layer = get_channel_layer()
    if layer is None:
        raise ImproperlyConfigured("CHANNEL_LAYERS names no default layer")
    async_to_sync(layer.group_send)(group, message)


# Bookkeeping events: live and replayed like any other, but not "activity" (a read receipt
# does not make a silent team look busy, and the activity feed does not list them).
QUIET_KINDS = frozenset({"message.read", "thread.subscription"})


def _returning_update(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def allocate(team: Team, kind: str, now: datetime.datetime | None = None, count: int = 1) -> int:
    """Take the team's next `count` sequence numbers (locks the team row until commit): one
    statement. Returns the last; the batch is last - count + 1 … last."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence numbers are taken inside the service's transaction")
    now = now or timezone.now()
    quiet = kind in QUIET_KINDS
    if connection.vendor in ("postgresql", "sqlite"):
        table = connection.ops.quote_name(Team._meta.db_table)
        if quiet:
            return _returning_update(f"UPDATE {table} SET last_seq = last_seq + %s WHERE id = %s RETURNING last_seq",
                                     [count, team.pk])
        return _returning_update(
            f"UPDATE {table} SET last_seq = last_seq + %s, last_activity_at = %s WHERE id = %s RETURNING last_seq",
            [count, connection.ops.adapt_datetimefield_value(now), team.pk])
    bump: dict[str, object] = {"last_seq": F("last_seq") + count}
    if not quiet:
        bump["last_activity_at"] = now
    Team.objects.filter(pk=team.pk).update(**bump)
    return Team.objects.values_list("last_seq", flat=True).get(pk=team.pk)


def record(team: Team, kind: str, actor: User | None, data: dict, *, seq: int | None = None) -> Event:
    """Store the event; `seq` only if this transaction took it with `allocate(team, kind)`."""
    return record_many(team, kind, [(actor, data)], last_seq=seq)[0]


def record_many(team: Team, kind: str, items: Sequence[tuple[User | None, dict]], *,
                last_seq: int | None = None) -> list[Event]:
    """Store one event of `kind` per (actor, data), numbered in order: one INSERT, one ring.

    `last_seq` only if this transaction took the numbers with `allocate(team, kind, count=…)`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are recorded inside the service's transaction")
    now = timezone.now()
    if last_seq is None:
        last_seq = allocate(team, kind, now, count=len(items))
    first = last_seq - len(items) + 1
    recorded = [Event(team_id=team.pk, seq=first + i, kind=kind, actor=actor if actor and actor.pk else None,
                      data=data, created_at=now) for i, (actor, data) in enumerate(items)]
    for scoper in _scopers:
        scoper(recorded)
    Event.objects.bulk_create(recorded)  # sets the ids (PostgreSQL, SQLite ≥ 3.35): notifications point at them
    team.last_seq = last_seq
    if kind not in QUIET_KINDS:
        team.last_activity_at = now
    transaction.on_commit(lambda: ring(recorded))
    for consumer in _consumers:
        consumer(recorded, team)
    return recorded


def ring_message(recorded: Sequence[Event]) -> dict:
    """The layer message for a transaction's events (one team): each client frame serialised once,
    with what consumers route on (a private channel's id: only its members' sockets send the frame)."""
    return {"type": "team.events", "events": [
        [event.seq, event.kind, json.dumps(event.as_frame(), separators=(",", ":")), event.private_channel]
        for event in recorded]}


def ring(recorded: Sequence[Event]) -> None:
    """Ring the team's group once for a transaction's events (record_many: all of one team)."""
    try:
        group_send(team_group(recorded[0].team_id), ring_message(recorded))
    except Exception:  # the layer is only a doorbell: clients catch up from the log
        log.warning("could not broadcast %s", recorded, exc_info=True)


def events_after(team_id: int, seq: int, limit: int = REPLAY_LIMIT) -> list[Event]:
    return list(Event.objects.filter(team_id=team_id, seq__gt=seq).order_by("seq")[:limit])
