"""Outgoing webhooks: a team's endpoints and the record of every delivery attempt (docs/webhooks.md).

An endpoint's `cursor` is the last team event seq it has dealt with (delivered, or skipped as a kind it does
not want): deliveries follow the team's event log in seq order, one at a time per endpoint. `lease_until`
is the claim of the one job delivering to it now; nothing holds a database lock while a receiver answers.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import Team


class Endpoint(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    kinds = models.JSONField(default=list)  # the team event kinds it receives (kinds.KINDS)
    # The signing key: kept as is, because every delivery's HMAC needs it (shown to the lead once).
    secret = models.CharField(max_length=80)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cursor = models.PositiveBigIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)  # consecutive failed attempts
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # back-off after a failure
    lease_until = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "pk"]
        indexes = [models.Index(fields=["team", "active"])]

    def __str__(self):
        return self.url


class Delivery(models.Model):
    """One attempt to deliver one event to one endpoint, and what the receiver answered (kept
    WEBHOOK_KEEP_DAYS days)."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)
    attempt = models.PositiveIntegerField()
    ok = models.BooleanField(default=False)
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # none: no HTTP answer (see error)
    error = models.CharField(max_length=300, blank=True)
    response = models.TextField(blank=True)  # the first 2 KB of the answer's body
    duration_ms = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "seq", "attempt"],
                                               name="one_delivery_per_attempt")]
