"""Privacy: the notices people read (privacy notice, imprint) and acknowledge, and the retention of
concluded teams' chats.

Notice: one row per kind, both languages, a version that only a change asking people to acknowledge again
bumps (notices.py). Acknowledgement: who acknowledged which version of the privacy notice, when (once each).
ChatRetention: the business key of the retention job per team (retention.py): when its leads were told that
the chat will be deleted, and when it was deleted; neither happens twice.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from teams.models import Team

MAX_NOTICE_LENGTH = 50_000


class Notice(models.Model):
    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")
        IMPRINT = "imprint", _("Imprint")

    kind = models.CharField(max_length=12, choices=Kind.choices, unique=True)
    text_en = models.TextField(_("text (English)"), max_length=MAX_NOTICE_LENGTH)
    text_de = models.TextField(_("text (German)"), max_length=MAX_NOTICE_LENGTH)
    version = models.PositiveIntegerField(default=1)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def text(self) -> str:
        """In the reader's language (German or English; English for any other)."""
        return self.text_de if (get_language() or "en").startswith("de") else self.text_en


class Acknowledgement(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()  # of the privacy notice
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_acknowledgement_per_version")]

    def __str__(self):
        return f"{self.user_id} v{self.version}"


class ChatRetention(models.Model):
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="+")
    noticed_at = models.DateTimeField()  # the leads were told (never twice)
    delete_after = models.DateTimeField()  # due date, or notice + 30 days if the notice came late
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.team_id}: delete after {self.delete_after:%Y-%m-%d}"
