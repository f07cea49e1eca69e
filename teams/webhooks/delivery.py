"""The delivery job: a team's events, from its event log, to each of its active endpoints (docs/webhooks.md).

Per endpoint: claim it (a lease, so one job at a time delivers to it, with no database lock held while the
receiver answers), then send the events after its cursor that it wants, in seq order, one at a time; the cursor
moves past an event only once the receiver took it (2xx), so an event is never skipped and never sent again
after it was taken (a job that dies mid-request may repeat that one: `Webhook-Id` lets the receiver drop it).
A failure keeps the cursor where it is and retries later with exponential back-off; after
WEBHOOK_MAX_FAILURES failures in a row the endpoint is switched off and the leads are told.
"""
import datetime

from django.conf import settings
from django.db import IntegrityError
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from teams.models import Event

from .models import Delivery, Endpoint
from .queueing import enqueue
from .sending import Answer, post, timeout
from .services import disable_endpoint

BATCH = 100  # events per endpoint and job; more are left to a fresh job, so that no endpoint holds the worker


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def backoff(failures: int) -> float:
    """Seconds until the next attempt after `failures` failures in a row: 1 min, 2, 4, … at most 6 hours."""
    base = _setting("WEBHOOK_RETRY_SECONDS", 60)
    return min(base * 2 ** max(0, failures - 1), _setting("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600))


def _due(now: datetime.datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def _free(now: datetime.datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def pending() -> QuerySet[Endpoint]:
    """Active endpoints behind their team's log and not waiting for a retry."""
    now = timezone.now()
    return Endpoint.objects.filter(_due(now), active=True, cursor__lt=F("team__last_seq"))


def deliver_team(team_id: int) -> int:
    """The job: deliver to each endpoint of the team that is due. Returns how many events were taken."""
    return sum(deliver_endpoint(pk) for pk in pending().filter(team_id=team_id).values_list("pk", flat=True))


def _lease() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=2 * timeout() + 30)


def _claim(pk: int) -> datetime.datetime | None:
    lease = _lease()
    claimed = Endpoint.objects.filter(_free(timezone.now()), pk=pk, active=True).update(lease_until=lease)
    return lease if claimed else None


def deliver_endpoint(pk: int) -> int:
    lease = _claim(pk)
    if lease is None:
        return 0  # another job delivers to it right now
    taken, team_id = 0, 0
    try:
        for _ in range(BATCH):
            endpoint = Endpoint.objects.select_related("team").filter(pk=pk).first()
            if endpoint is None or not endpoint.active:  # removed or switched off meanwhile
                return taken
            team_id = endpoint.team_id
            last = endpoint.team.last_seq  # read with the endpoint: every event up to it is committed
            # A private channel's events are for its members only, never sent out (teams/discussion/access.py).
            event = Event.objects.filter(team_id=endpoint.team_id, seq__gt=endpoint.cursor, seq__lte=last,
                                         kind__in=endpoint.kinds, private_channel=None).order_by("seq").first()
            if event is None:
                lease = _advance(pk, lease, last)
                return taken
            answer = post(endpoint.url, endpoint.secret, event, endpoint.team)
            _keep(endpoint, event, answer)
            if not answer.ok:
                _failed(endpoint, lease)
                return taken
            lease = _advance(pk, lease, event.seq)
            if lease is None:
                return taken
            taken += 1
        enqueue(team_id)  # a long backlog: the rest in a fresh job
        return taken
    finally:
        if lease is not None:
            Endpoint.objects.filter(pk=pk, lease_until=lease).update(lease_until=None)


def _advance(pk: int, lease: datetime.datetime | None, seq: int) -> datetime.datetime | None:
    """Move the cursor to `seq` (never back) and renew the lease; None if the lease was lost meanwhile."""
    renewed = _lease()
    moved = Endpoint.objects.filter(pk=pk, lease_until=lease).update(
        cursor=seq, failures=0, next_attempt_at=None, lease_until=renewed)
    return renewed if moved else None


def _keep(endpoint: Endpoint, event: Event, answer: Answer) -> None:
    attempt = Delivery.objects.filter(endpoint=endpoint, seq=event.seq).count() + 1
    try:
        Delivery.objects.create(endpoint=endpoint, seq=event.seq, kind=event.kind, attempt=attempt, ok=answer.ok,
                                status=answer.status, error=answer.error, response=answer.response,
                                duration_ms=answer.duration_ms)
    except IntegrityError:  # only a job that lost its lease could race here; the other one's row stands
        pass


def _failed(endpoint: Endpoint, lease: datetime.datetime) -> None:
    failures = endpoint.failures + 1  # only the lease holder counts them
    delay = backoff(failures)
    retry_at = timezone.now() + datetime.timedelta(seconds=delay)
    if not Endpoint.objects.filter(pk=endpoint.pk, lease_until=lease).update(failures=failures,
                                                                             next_attempt_at=retry_at):
        return
    if failures >= _setting("WEBHOOK_MAX_FAILURES", 10):
        disable_endpoint(None, endpoint)
    else:
        enqueue(endpoint.team_id, countdown=delay)


def sweep() -> int:
    """Queue the job of every team with an endpoint behind and free (a lost message loses no delivery)."""
    team_ids = set(pending().filter(_free(timezone.now())).values_list("team_id", flat=True))
    for team_id in sorted(team_ids):
        enqueue(team_id)
    return len(team_ids)


def prune(now: datetime.datetime | None = None) -> int:
    """Forget deliveries older than WEBHOOK_KEEP_DAYS (14)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=_setting("WEBHOOK_KEEP_DAYS", 14))
    deleted, _by_model = Delivery.objects.filter(at__lt=cutoff).delete()
    return deleted
