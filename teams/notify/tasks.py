"""Celery jobs of notifications: mails and digests. Idempotent: a notification is claimed
(emailed_at) before it is mailed, a digest writes its window's marker in the same transaction."""
from celery import shared_task

from . import services


@shared_task(name="notify.send_single_mails")
def send_single_mails():
    return services.send_single_mails()


@shared_task(name="notify.send_digests")
def send_digests():
    return services.send_digests()
