"""A team's live discussion: channels, messages in threads, reactions, read markers.

Every write goes through the discussion services (teams.discussion.channels, posting, messages,
reactions, reading, team_settings: permission → validation → transaction → event); every read
through teams.discussion.selectors (a constant number of queries).
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import Event, Team

MAX_MESSAGE_LENGTH = 10_000


class DiscussionSettings(models.Model):
    """Per-team discussion settings (kept here, not on teams.Team)."""

    class TeamMention(models.TextChoices):
        LEADS = "leads", _("Leads only")
        LEADS_AND_SUPPORTERS = "leads_and_supporters", _("Leads and supporters")
        MEMBERS = "members", _("Every member who may write")

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="discussion_settings")
    team_mention = models.CharField(_("who may notify everyone with @team"), max_length=24,
                                    choices=TeamMention.choices, default=TeamMention.LEADS)

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")

    def __str__(self):
        return f"{self.team}: @team by {self.team_mention}"


class Channel(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="channels")
    name = models.CharField(_("name"), max_length=60)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    # A channel for one task of the board (teams.board.models.Card), if the team wants one.
    card_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Private: only its ChannelMembers see it, its messages and its events (teams/discussion/access.py).
    private = models.BooleanField(_("private"), default=False)
    # Archived: read-only, listed under "Archived"; unarchiving clears both.
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    event: Event  # not stored: the Event that create_channel recorded, for its caller

    class Meta:
        ordering = ["team", "id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="one_channel_name_per_team")]

    def __str__(self):
        return f"#{self.name}"


class ChannelMember(models.Model):
    """A member of a private channel (public channels have none: every team viewer reads them)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "user"], name="one_channel_member_each")]


class Message(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")  # for fast team filters
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Replies point at their thread's root; roots have no thread.
    thread = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    event: Event  # not stored: the Event that posting a message recorded, for its caller
    body = models.TextField(max_length=MAX_MESSAGE_LENGTH)
    # Sanitised HTML from teams.markup.render_markdown (mentions and task links resolved).
    html = models.TextField(blank=True)
    mentions = models.JSONField(default=list, blank=True)  # user ids, resolved at write time
    team_mention = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["channel", "thread", "id"], name="message_channel_page"),
            models.Index(fields=["thread", "id"], name="message_thread_page"),
        ]

    def __str__(self):
        return f"{self.channel}#{self.pk}"

    @property
    def is_deleted(self):
        return self.deleted_at is not None


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["message", "user", "emoji"], name="one_reaction_each")]


class Pin(models.Model):
    """A message pinned in its channel's "Pinned" panel."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="pins")
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="pin")
    pinned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    pinned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-pinned_at", "-id"]


class ReadMarker(models.Model):
    """How far a person has read a channel: unread = later messages; "seen by" = markers past a message."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "user"], name="one_read_marker_each")]


class ThreadSubscription(models.Model):
    class State(models.TextChoices):
        FOLLOW = "follow", _("Following")
        MUTE = "mute", _("Muted")

    root = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.FOLLOW)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["root", "user"], name="one_thread_subscription_each")]


def message_file_path(instance, filename):
    # Never the user's file name on disk: a random name under the team's folder (as board attachments).
    return f"chat/{instance.message.team_id}/{uuid.uuid4().hex}"


class MessageFile(models.Model):
    """A file posted with a message (teams.discussion.files). Images also get a preview, made by Pillow."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=message_file_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    preview = models.FileField(max_length=200, blank=True)  # images only: a small copy, metadata stripped
    width = models.PositiveIntegerField(default=0)  # the preview's, so the page keeps its layout while loading
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self):
        return self.name

    @property
    def is_image(self):
        return bool(self.preview)
