"""Queueing the delivery job: after the commit of events some endpoint wants, after a failure (with back-off),
and from the sweep. By the task's name, so that this module needs no import of the tasks (no cycle)."""
import logging

from celery import current_app
from django.core.cache import cache
from django.db import transaction

from teams.models import Event, Team

from .kinds import KINDS
from .models import Endpoint

log = logging.getLogger(__name__)
DELIVER_TASK = "webhooks.deliver_team"
KINDS_CACHE_SECONDS = 60


def enqueue(team_id: int, countdown: float | None = None) -> None:
    """Queue the team's delivery job. A broker that is down loses nothing: the sweep queues it again."""
    try:
        current_app.send_task(DELIVER_TASK, args=[team_id], countdown=countdown)
    except Exception:
        log.warning("could not queue the webhook deliveries of team %s", team_id, exc_info=True)


def _cache_key(team_id: int) -> str:
    return f"webhooks:kinds:{team_id}"


def wanted_kinds(team_id: int) -> frozenset[str]:
    """The kinds the team's active endpoints want, from the cache (shared by every process when scaled out) or,
    on a miss or a cache outage, from one query. Services forget it when an endpoint changes; the sweep makes
    up for a stale entry elsewhere (embedded: one process) within KINDS_CACHE_SECONDS."""
    try:
        cached = cache.get(_cache_key(team_id))
    except Exception:
        log.warning("webhook kinds cache unavailable", exc_info=True)
        cached = None
    if cached is not None:
        return frozenset(cached)
    kinds = sorted({kind for chosen in Endpoint.objects.filter(team_id=team_id, active=True)
                    .values_list("kinds", flat=True) for kind in chosen})
    try:
        cache.set(_cache_key(team_id), kinds, KINDS_CACHE_SECONDS)
    except Exception:
        log.warning("webhook kinds cache unavailable", exc_info=True)
    return frozenset(kinds)


def forget_kinds(team_id: int) -> None:
    try:
        cache.delete(_cache_key(team_id))
    except Exception:
        log.warning("webhook kinds cache unavailable", exc_info=True)


def enqueue_after_commit(events: list[Event], team: Team) -> None:
    """teams.events.on_recorded consumer, inside the writing transaction: no query when no recorded kind is
    one webhooks carry or the cache knows the team's wanted kinds (the hot path: a chat post, a card move)."""
    recorded = {event.kind for event in events} & KINDS
    if recorded and recorded & wanted_kinds(team.pk):
        transaction.on_commit(lambda: enqueue(team.pk))
