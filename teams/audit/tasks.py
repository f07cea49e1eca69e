"""The audit trail's Celery job (scheduled in settings.CELERY_BEAT_SCHEDULE); idempotent: a second run removes
nothing more."""
from celery import shared_task

from . import retention


@shared_task(name="audit.prune")
def prune() -> int:
    return retention.prune()
