"""Queueing the delivery job: after the commit of events some endpoint wants, after a failure (with back-off),
and from the sweep. By the task's name, so that this module needs no import of the tasks (no cycle)."""
import logging

from celery import current_app
from django.db import transaction

from teams.models import Event, Team

from .kinds import KINDS
from .models import Endpoint

log = logging.getLogger(__name__)
DELIVER_TASK = "webhooks.deliver_team"


def enqueue(team_id: int, countdown: float | None = None) -> None:
    """Queue the team's delivery job. A broker that is down loses nothing: the sweep queues it again."""
    try:
        current_app.send_task(DELIVER_TASK, args=[team_id], countdown=countdown)
    except Exception:
        log.warning("could not queue the webhook deliveries of team %s", team_id, exc_info=True)


def enqueue_after_commit(events: list[Event], team: Team) -> None:
    """teams.events.on_recorded consumer, inside the writing transaction: no query at all unless a recorded kind
    is one webhooks carry, then one (the team's active endpoints' kinds)."""
    recorded = {event.kind for event in events} & KINDS
    if not recorded:
        return
    wanted = Endpoint.objects.filter(team_id=team.pk, active=True).values_list("kinds", flat=True)
    if any(recorded & set(kinds) for kinds in wanted):
        transaction.on_commit(lambda: enqueue(team.pk))
