"""The search index: one row per searchable thing, written by the same transaction that writes the thing.

A Document holds what is searched (title, body) and who may find it, its `audience`: the viewers of a team
(the team's id), every signed-in person (PUBLIC: a team's public card, people), or, for a review meeting (no
team of its own), whoever may view one of the meeting's teams (MEETING; teams.review's ReviewMeeting.teams).
The engines derive their search structure from these rows in the same statement (migration 0002):
PostgreSQL a generated tsvector column in a GIN index with the audience, SQLite an FTS5 table kept by triggers.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import Team


class Kind(models.TextChoices):
    TEAM = "team", _("Topic team")
    CARD = "card", _("Task")
    COMMENT = "comment", _("Comment")
    MESSAGE = "message", _("Message")
    OUTPUT = "output", _("Output")
    REPORT = "report", _("Closing report")
    NOTE = "note", _("Review note")
    MEETING = "meeting", _("Review meeting")
    PERSON = "person", _("Person")


class Document(models.Model):
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    PUBLIC, MEETING = 0, -1  # audiences besides a team's id

    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")  # its team
    audience = models.BigIntegerField()  # who may find it: a team's id (its viewers), PUBLIC or MEETING
    channel_id = models.BigIntegerField(null=True, blank=True)  # messages: their channel
    parent_id = models.BigIntegerField(null=True, blank=True)  # a reply's thread root; a comment's card
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=300, blank=True)  # weighs more than the body
    body = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_search_document_each")]
        indexes = [models.Index(fields=["channel_id"], name="search_document_channel"),
                   models.Index(fields=["kind", "parent_id"], name="search_document_parent")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
