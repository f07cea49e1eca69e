"""Celery jobs of supervision: each is idempotent (dedupes on a business key in
deadlines.py and reports.py), so acks_late redelivery after a worker crash changes nothing more."""
from celery import shared_task

from . import deadlines, reports


@shared_task(name="review.end_expired_teams")
def end_expired_teams() -> int:
    return len(deadlines.end_expired_teams())


@shared_task(name="review.remind_team_endings")
def remind_team_endings() -> int:
    return len(deadlines.remind_team_endings())


@shared_task(name="review.remind_due_tasks")
def remind_due_tasks() -> int:
    return len(deadlines.remind_due_tasks())


@shared_task(name=reports.BUILD_REPORT_TASK)
def build_report_task(export_id: int) -> str | None:
    return reports.build_report(export_id)


@shared_task(name="review.requeue_stuck_reports")
def requeue_stuck_reports() -> int:
    return len(reports.requeue_stuck_reports())
