"""The retention job (retention.py), daily by CELERY_BEAT_SCHEDULE. Idempotent: each step dedupes on its
business key (the team's status, its ChatRetention row), so acks_late redelivery changes nothing more."""
import datetime

from celery import shared_task

from . import retention


@shared_task(name="privacy.apply_retention")
def apply_retention(now: str | None = None) -> dict[str, int]:
    """`now`: an ISO moment to judge by instead of the clock (tests; a dry look at a later day is not offered)."""
    return retention.apply_retention(now=datetime.datetime.fromisoformat(now) if now else None)
