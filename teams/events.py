"""The per-team event log and its doorbell.

`record` is called by services inside their transaction: it takes the next sequence
number (the UPDATE locks the team row, so numbers are gapless and ordered per team),
stores the event and, after commit, rings the team's channel-layer group. The layer
may lose a ring (Redis restart): clients resume from the database, which is the truth.

Hot path (docs/benchmarks.md): the number is taken with one `UPDATE … RETURNING` (PostgreSQL
and SQLite ≥ 3.35; other databases: UPDATE then SELECT). A service that must hold the team
lock before its own writes (post_message: message ids follow seq order) calls `allocate`
first and passes the number to `record(seq=…)`. The ring carries the frame serialised once
(`text`): every socket sends that string as is, no json.dumps per socket.
"""
import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import Event, Team

log = logging.getLogger(__name__)

REPLAY_LIMIT = 1000  # events sent per resume batch; a client further behind reloads the page


def team_group(team_id):
    return f"team.{team_id}"


# Bookkeeping events: live and replayed like any other, but not "activity" (a read receipt
# does not make a silent team look busy, and the activity feed does not list them).
QUIET_KINDS = frozenset({"message.read", "thread.subscription"})


def _returning_update(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def allocate(team, kind, now=None):
    """Take the team's next sequence number (locks the team row until commit): one statement."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence numbers are taken inside the service's transaction")
    now = now or timezone.now()
    quiet = kind in QUIET_KINDS
    if connection.vendor in ("postgresql", "sqlite"):
        table = connection.ops.quote_name(Team._meta.db_table)
        if quiet:
            return _returning_update(f"UPDATE {table} SET last_seq = last_seq + 1 WHERE id = %s RETURNING last_seq",
                                     [team.pk])
        return _returning_update(
            f"UPDATE {table} SET last_seq = last_seq + 1, last_activity_at = %s WHERE id = %s RETURNING last_seq",
            [connection.ops.adapt_datetimefield_value(now), team.pk])
    bump = {"last_seq": F("last_seq") + 1}
    if not quiet:
        bump["last_activity_at"] = now
    Team.objects.filter(pk=team.pk).update(**bump)
    return Team.objects.values_list("last_seq", flat=True).get(pk=team.pk)


def record(team, kind, actor, data, *, seq=None):
    """Store the event; `seq` only if this transaction took it with `allocate(team, kind)`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are recorded inside the service's transaction")
    now = timezone.now()
    if seq is None:
        seq = allocate(team, kind, now)
    event = Event.objects.create(team_id=team.pk, seq=seq, kind=kind, actor=actor if actor and actor.pk else None,
                                 data=data, created_at=now)
    team.last_seq = seq
    if kind not in QUIET_KINDS:
        team.last_activity_at = now
    transaction.on_commit(lambda: ring(event))
    from teams.notify.services import notify_about  # notifications derive from events (teams/notify/rules.py)

    notify_about(event, team)
    return event


def ring_message(event):
    """The layer message for an event: the client frame serialised once, plus what consumers route on."""
    text = json.dumps(event.as_frame(), separators=(",", ":"))
    return {"type": "team.event", "seq": event.seq, "event": event.kind, "text": text}


def ring(event):
    try:
        async_to_sync(get_channel_layer().group_send)(team_group(event.team_id), ring_message(event))
    except Exception:  # the layer is only a doorbell: clients catch up from the log
        log.warning("could not broadcast %s", event, exc_info=True)


def events_after(team_id, seq, limit=REPLAY_LIMIT):
    return list(Event.objects.filter(team_id=team_id, seq__gt=seq).order_by("seq")[:limit])
