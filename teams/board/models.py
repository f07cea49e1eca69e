"""A team's task board: columns, cards and what hangs off a card.

Every write goes through the board services (teams.board.columns, cards, labels, checklists,
comments, attachments). Ordering uses string ranks (teams.board.ranks):
moving a card writes that one card, never the whole column. Each card carries a `version`
that every change bumps; a change names the version it saw, so a stale one is refused.

For supervision (teams.review): a card is done when `card.column.is_done`; it is overdue when
`due_date < today` and it is not done and not archived.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import StrategicGoal, Team


class Column(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="board_columns")
    name = models.CharField(_("name"), max_length=60)
    rank = models.CharField(max_length=64)
    wip_limit = models.PositiveSmallIntegerField(_("WIP limit"), null=True, blank=True)
    is_done = models.BooleanField(_("cards here are done"), default=False)
    # On: a card cannot be created in or moved into a full column (code "wip_limit"); off: a warning only.
    enforce_wip = models.BooleanField(_("enforce the WIP limit"), default=False)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "rank", "id"]
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        indexes = [models.Index(fields=["team", "archived", "rank"])]

    def __str__(self):
        return self.name


class Label(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="board_labels")
    name = models.CharField(_("name"), max_length=40)
    color = models.CharField(max_length=7, default="slate")  # a key of labels.PALETTE, never free CSS

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="one_label_name_per_team")]

    def __str__(self):
        return self.name


class Card(models.Model):
    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="cards")
    column = models.ForeignKey(Column, on_delete=models.PROTECT, related_name="cards")
    rank = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=20000, blank=True)  # Markdown
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_cards",
                                       verbose_name=_("assignees"))
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    labels = models.ManyToManyField(Label, blank=True, related_name="cards", verbose_name=_("labels"))
    goals = models.ManyToManyField(StrategicGoal, blank=True, related_name="cards",
                                   verbose_name=_("strategic goals"))
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["column", "rank", "id"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        indexes = [models.Index(fields=["team", "archived"]), models.Index(fields=["column", "rank"])]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return bool(self.due_date and self.due_date < timezone.localdate() and not self.column.is_done)


class ChecklistItem(models.Model):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("item"), max_length=200)
    done = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["card", "position", "id"]

    def __str__(self):
        return self.text


class Comment(models.Model):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"), max_length=10000)  # Markdown
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["card", "created_at", "id"]

    def __str__(self):
        return f"{self.author} on {self.card_id}"


def attachment_path(instance, filename):
    # Never the user's file name on disk: a random name under the team's folder.
    return f"board/{instance.card.team_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["card", "created_at", "id"]

    def __str__(self):
        return self.name
