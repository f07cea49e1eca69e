"""The record of an erasure (GDPR Art. 17): which account was erased, by whom, when, and what was chosen for the
person's messages and uploads. It holds no name or e-mail: its number is what the account is called now
("Former member 7"), and the account row itself stays (anonymised), so every foreign key to it still holds.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageChoice(models.TextChoices):
    ANONYMISE = "anonymise", _("Keep them, by the anonymised account")
    DELETE = "delete", _("Delete them (a “deleted” placeholder stays in the conversation)")


class UploadChoice(models.TextChoices):
    DELETE = "delete", _("Delete the files")
    KEEP = "keep", _("Keep the files, by the anonymised account")


class Erasure(models.Model):
    # The number in "Former member n" is the row's id: unique, never reused.
    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure")
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    erased_at = models.DateTimeField(default=timezone.now)
    messages = models.CharField(_("messages and comments"), max_length=10, choices=MessageChoice.choices)
    uploads = models.CharField(_("uploads"), max_length=10, choices=UploadChoice.choices)
    # What was done, in numbers only (messages, comments, uploads, events scrubbed …).
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-erased_at", "-id"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self):
        return f"Erasure {self.pk}"

    @property
    def number(self) -> int:
        return self.pk
