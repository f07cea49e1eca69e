"""A person's data on request (GDPR Art. 15 and 20): one row per requested ZIP.

The ZIP lives under a private folder (files.export_root(), never served by a URL of its own); only the
signed link mailed to the recipient (services.link_for) reaches it, through a view that also requires being
signed in as that recipient. The recipient is whoever asked: the person themself, or cluster management.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DataExport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.PENDING, Status.RUNNING)  # at most one of these per person

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports",
                               verbose_name=_("person"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)  # the link's end; the file goes then
    mailed_at = models.DateTimeField(null=True, blank=True)  # claimed before sending: a redelivered job mails nothing
    # Relative to files.export_root(): a random name, chosen when requested, so a rebuild overwrites only its own.
    path = models.CharField(max_length=100, unique=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self):
        return f"{self.person_id}: {self.status} #{self.pk}"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or bool(
            self.status == self.Status.READY and self.expires_at and self.expires_at <= timezone.now())

    @property
    def shown_status(self) -> str:
        """pending / ready / expired / failed: what the account page says."""
        if self.is_expired:
            return "expired"
        return "pending" if self.status in self.ACTIVE else self.status
