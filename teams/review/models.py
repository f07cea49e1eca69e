"""Supervision and review: what teams produce (outputs), how they close (closing report),
what the reviewing bodies say (review notes, review meetings), the exports they download,
and the Celery jobs' business keys (JobRun) that make every job idempotent."""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import StrategicGoal, Team


def output_file_path(instance, filename):
    return f"outputs/{instance.team_id}/{uuid.uuid4().hex}"  # never the uploader's file name on disk


class Output(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", _("Project")
        POSITION = "position", _("Position paper")
        PROPOSAL = "proposal", _("Proposal")
        CONCEPT = "concept", _("Concept")
        EVENT = "event", _("Event")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    date = models.DateField(_("date"), null=True, blank=True)
    link = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(_("file"), upload_to=output_file_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_content_type = models.CharField(max_length=120, blank=True)  # as check_upload found it; served as such
    goals = models.ManyToManyField(StrategicGoal, blank=True, related_name="outputs",
                                   verbose_name=_("strategic goals served"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "-date", "title"]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")

    def __str__(self):
        return self.title


class ClosingReport(models.Model):
    """Written when cluster management concludes a team; readable after archiving."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="closing_report")
    summary = models.TextField(_("summary"), max_length=10000)  # Markdown
    outputs = models.ManyToManyField(Output, blank=True, related_name="+", verbose_name=_("outputs"))
    goals_advanced = models.ManyToManyField(StrategicGoal, blank=True, related_name="+",
                                            verbose_name=_("goals advanced"))
    lessons = models.TextField(_("lessons learned"), max_length=10000, blank=True)  # Markdown
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("closing report")


class ReviewMeeting(models.Model):
    title = models.CharField(_("title"), max_length=200)
    scheduled_for = models.DateTimeField(_("date and time"))
    teams = models.ManyToManyField(Team, related_name="review_meetings", verbose_name=_("teams"))
    agenda = models.TextField(_("agenda"), blank=True)  # drawn from the teams' progress when scheduled
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)  # Markdown
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    minutes_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    minutes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-scheduled_for"]
        verbose_name = _("review meeting")

    def __str__(self):
        return self.title


class ReviewNote(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="review_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"), max_length=5000)  # Markdown
    meeting = models.ForeignKey(ReviewMeeting, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="notes", verbose_name=_("review meeting"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review note")

    def __str__(self):
        return f"{self.team_id}: {self.body[:40]}"


def report_path(instance, filename):
    return f"reports/{uuid.uuid4().hex}/{filename}"


class ReportExport(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")  # None: cluster
    format = models.CharField(max_length=3, choices=Format.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(upload_to=report_path, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def filename(self):
        scope = self.team.slug if self.team_id else "cluster"
        return f"progress-{scope}-{self.created_at:%Y-%m-%d}.{self.format}"


class JobRun(models.Model):
    """A job's business key: (kind, object, date) happens once, whatever the retries."""

    kind = models.CharField(max_length=40)  # "team.ended", "card.due_soon", "team.ending_soon"
    object_id = models.PositiveBigIntegerField()
    date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "date"], name="one_job_run_per_key")]
