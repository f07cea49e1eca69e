"""Celery jobs of supervision: each is idempotent (dedupes on a business key in the
services), so acks_late redelivery after a worker crash changes nothing more."""
from celery import shared_task

from . import services


@shared_task(name="review.end_expired_teams")
def end_expired_teams():
    return len(services.end_expired_teams())


@shared_task(name="review.remind_team_endings")
def remind_team_endings():
    return len(services.remind_team_endings())


@shared_task(name="review.remind_due_tasks")
def remind_due_tasks():
    return len(services.remind_due_tasks())


@shared_task(name="review.build_report")
def build_report_task(export_id):
    return services.build_report(export_id)


@shared_task(name="review.requeue_stuck_reports")
def requeue_stuck_reports():
    return len(services.requeue_stuck_reports())
