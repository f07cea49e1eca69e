"""Direct messages: conversations of 2 to 8 cluster members outside any team, with their own event log.

Only the participants read a conversation (teams/direct/access.py); there is no admin for it: not even
cluster management may read direct messages. Every write goes through the services (teams/direct/
conversations.py, messages.py, reactions.py), which append to the conversation's log (teams/direct/log.py).
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.discussion.models import MAX_MESSAGE_LENGTH

MAX_PARTICIPANTS = 8
MAX_NAME_LENGTH = 80


class Conversation(models.Model):
    # "<lower id>:<higher id>" for a conversation of two (one per pair); null for a group.
    pair = models.CharField(max_length=41, null=True, blank=True, unique=True)
    name = models.CharField(_("name"), max_length=MAX_NAME_LENGTH, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_seq = models.PositiveBigIntegerField(default=0)  # the log's last number (teams/direct/log.py)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)  # newest first in the list

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self):
        return f"conversation {self.pk}"


class Participant(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(default=0)  # read marker: unread counts and "seen by"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="one_participant_each")]
        indexes = [models.Index(fields=["user", "conversation"], name="participant_by_user")]


class DirectMessage(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=MAX_MESSAGE_LENGTH)
    html = models.TextField(blank=True)  # sanitised (teams.markup.render_markdown), mentions marked
    mentions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "id"], name="direct_message_page")]

    def __str__(self):
        return f"{self.conversation}#{self.pk}"

    @property
    def is_deleted(self):
        return self.deleted_at is not None


class DirectReaction(models.Model):
    message = models.ForeignKey(DirectMessage, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["message", "user", "emoji"], name="one_direct_reaction_each")]


class DirectEvent(models.Model):
    """The conversation's log: gapless seq per conversation, replayed on resume (docs/realtime.md)."""
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [models.UniqueConstraint(fields=["conversation", "seq"], name="one_direct_seq_each")]

    def __str__(self):
        return f"{self.conversation}@{self.seq} {self.kind}"

    def as_frame(self):
        return {"type": "event", "seq": self.seq, "event": self.kind, "data": self.data,
                "actor": self.actor_id, "at": self.created_at.isoformat()}
