"""The cluster's audit trail: who did what security-relevant thing, when, and from which address.

Append-only: an entry is written once (`teams.audit.trail.record`) and never changed; `save` refuses an
existing row and `delete` refuses always, on the model and on its querysets. The only removal is the retention
job (entries older than AUDIT_RETENTION_YEARS), through `AuditEntry.objects.prune`.

People are referred to by foreign key only, never by name or e-mail in `detail`, so an erasure (which
anonymises the user row) leaves no personal name or address here. Team content is not copied: an entry about
a team event names the team and the event's seq (teams.Event), and the page links to it.
"""
import datetime

from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries are never changed")

    def delete(self):
        raise AppendOnlyError("audit entries are deleted only by the retention job")

    def prune(self, before: datetime.datetime) -> int:
        """The retention job's removal of entries older than `before` (the one delete path). On PostgreSQL the
        table's trigger lets a DELETE through only while this transaction's flag is on (migration 0002)."""
        old = AuditEntry.objects.filter(at__lt=before)
        with transaction.atomic(using=old.db), connections[old.db].cursor() as cursor:
            postgresql = connections[old.db].vendor == "postgresql"
            if postgresql:
                cursor.execute("SET LOCAL audit.prune = 'on'")
            deleted = old._raw_delete(old.db)
            if postgresql:  # the flag ends with the transaction: off at once in case this one goes on
                cursor.execute("SET LOCAL audit.prune = 'off'")
        return deleted


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)   # "login", "membership.role", ...
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("who"))
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("about whom"))
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("team"))
    seq = models.PositiveBigIntegerField(null=True, blank=True)  # the team event this entry is about
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)  # kind-specific facts; never names or e-mails

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["actor", "at"]), models.Index(fields=["subject", "at"]),
                   models.Index(fields=["team", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are deleted only by the retention job")
