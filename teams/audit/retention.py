"""Audit entries are kept for AUDIT_RETENTION_YEARS years (settings), then removed by the beat job "audit.prune"
(tasks.py): the one delete path (AuditQuerySet.prune). The removal is itself recorded."""
import datetime

from django.conf import settings
from django.utils import timezone

from .models import AuditEntry
from .trail import record


def years_before(now: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February, in a year without one
        return now.replace(year=now.year - years, day=28)


def prune(now: datetime.datetime | None = None) -> int:
    """Remove the entries older than the retention period; returns how many."""
    before = years_before(now or timezone.now(), settings.AUDIT_RETENTION_YEARS)
    removed = AuditEntry.objects.prune(before)
    if removed:
        record("audit.pruned", detail={"rows": removed, "before": before.date().isoformat()})
    return removed
