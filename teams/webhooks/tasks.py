"""Celery jobs of webhooks: each idempotent (an endpoint's cursor and lease in delivery.py), so a redelivered
message (acks_late) sends nothing twice that a receiver already took."""
from celery import shared_task

from . import delivery
from .queueing import DELIVER_TASK


@shared_task(name=DELIVER_TASK)
def deliver_team(team_id: int) -> int:
    return delivery.deliver_team(team_id)


@shared_task(name="webhooks.sweep")
def sweep() -> int:
    return delivery.sweep()


@shared_task(name="webhooks.prune")
def prune() -> int:
    return delivery.prune()
