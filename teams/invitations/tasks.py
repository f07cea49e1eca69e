"""Celery jobs of invitations: the mail (idempotent: the job claims the invitation by storing its link's
hash; a redelivered job finds it claimed), and the sweep that queues again a mail whose message was lost."""
from celery import shared_task

from . import mail


@shared_task(name=mail.SEND_TASK, autoretry_for=(OSError,), retry_backoff=30, max_retries=6)
def send_invitation_mail(invitation_id: int) -> bool:
    return mail.send_invitation(invitation_id)  # OSError (SMTP down, refused): the claim is undone, tried again


@shared_task(name="invitations.requeue_lost_mails")
def requeue_lost_mails() -> int:
    return len(mail.lost_mails())
