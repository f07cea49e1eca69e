"""The retention job (retention.py), daily by CELERY_BEAT_SCHEDULE. Idempotent: each step dedupes on its
business key (the team's status, its ChatRetention row), so acks_late redelivery changes nothing more."""
from celery import shared_task

from . import retention


@shared_task(name="privacy.apply_retention")
def apply_retention() -> dict[str, int]:
    return retention.apply_retention()
