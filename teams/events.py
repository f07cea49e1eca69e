"""The per-team event log and its doorbell.

`record` is called by services inside their transaction: it takes the next sequence
number (the UPDATE locks the team row, so numbers are gapless and ordered per team),
stores the event and, after commit, rings the team's channel-layer group. The layer
may lose a ring (Redis restart): clients resume from the database, which is the truth.
"""
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
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


def record(team, kind, actor, data):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are recorded inside the service's transaction")
    now = timezone.now()
    bump = {"last_seq": F("last_seq") + 1}
    if kind not in QUIET_KINDS:
        bump["last_activity_at"] = now
    Team.objects.filter(pk=team.pk).update(**bump)
    seq = Team.objects.values_list("last_seq", flat=True).get(pk=team.pk)
    event = Event.objects.create(team_id=team.pk, seq=seq, kind=kind, actor=actor if actor and actor.pk else None,
                                 data=data, created_at=now)
    team.last_seq = seq
    if kind not in QUIET_KINDS:
        team.last_activity_at = now
    transaction.on_commit(lambda: ring(event))
    from teams.notify.services import notify_about  # notifications derive from events (teams/notify/rules.py)

    notify_about(event, team)
    return event


def ring(event):
    try:
        async_to_sync(get_channel_layer().group_send)(
            team_group(event.team_id), {"type": "team.event", "frame": event.as_frame()}
        )
    except Exception:  # the layer is only a doorbell: clients catch up from the log
        log.warning("could not broadcast %s", event, exc_info=True)


def events_after(team_id, seq, limit=REPLAY_LIMIT):
    return list(Event.objects.filter(team_id=team_id, seq__gt=seq).order_by("seq")[:limit])
