"""Celery jobs of data exports; each idempotent (job.py), so acks_late redelivery changes nothing more."""
from celery import shared_task

from . import job, services


@shared_task(name=services.BUILD_TASK, autoretry_for=(OSError,), retry_backoff=30, max_retries=6)
def build_export_task(export_id: int) -> bool:
    return job.build_export(export_id)


@shared_task(name="dataexport.expire")
def expire_exports_task() -> int:
    return len(job.expire_exports())


@shared_task(name="dataexport.requeue_pending")
def requeue_pending_task() -> int:
    return len(job.requeue_pending())
