"""Personal notifications, derived from the teams' event log (see rules.py), and each
person's e-mail preferences. A notification remembers whether it went out by mail
(`emailed_at`), and every digest leaves a `DigestSent` marker: a job run twice sends nothing twice."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("A task is assigned to you")
    MENTION = "mention", _("Someone mentions you")
    TASK_DUE = "task_due", _("A task of yours is due in 2 days")
    TEAM_ENDING = "team_ending", _("Your team ends in 14 days")
    TEAM_ENDED = "team_ended", _("Your team has ended")
    JOIN_REQUEST = "join_request", _("Someone asks to join your team")
    REVIEW_NOTE = "review_note", _("A review note on your team")
    CHAT_DELETION = "chat_deletion", _("Your team's chat is to be deleted (retention)")
    WEBHOOK_DISABLED = "webhook_disabled", _("A webhook of your team was switched off after failures")


def describe(kind: str, data: dict) -> str:
    """A notification in words, in the reader's language (the names in `data` were frozen by rules.details)."""
    d = {key: data.get(key, "") for key in ("team", "actor", "card", "due_date", "end_date", "days", "note")}
    someone = d["actor"] or gettext("Someone")
    if kind == Kind.TASK_ASSIGNED:
        if d["card"]:
            return gettext("%(actor)s assigned you “%(card)s” in %(team)s") % {**d, "actor": someone}
        return gettext("%(actor)s assigned you a task in %(team)s") % {**d, "actor": someone}
    if kind == Kind.MENTION:
        return gettext("%(actor)s mentioned you in %(team)s") % {**d, "actor": someone}
    if kind == Kind.TASK_DUE:
        return gettext("“%(card)s” in %(team)s is due on %(due_date)s") % d
    if kind == Kind.TEAM_ENDING:
        return gettext("%(team)s ends on %(end_date)s") % d
    if kind == Kind.TEAM_ENDED:
        return gettext("%(team)s has ended; it is now read-only") % d
    if kind == Kind.JOIN_REQUEST:
        return gettext("%(actor)s asks to join %(team)s") % {**d, "actor": someone}
    if kind == Kind.CHAT_DELETION:
        return gettext("The chat of %(team)s will be deleted on %(due_date)s (retention rules)") % d
    if kind == Kind.REVIEW_NOTE:
        return gettext("%(actor)s wrote a review note on %(team)s") % {**d, "actor": someone}
    if kind == Kind.WEBHOOK_DISABLED:
        return gettext("A webhook of %(team)s was switched off: its receiver failed too often") % d
    return d["team"]


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("teams.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    data = models.JSONField(default=dict)  # names for the text (team, card, actor…), worded when shown
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # sent alone or in a digest: never again

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["emailed_at", "recipient"])]
        constraints = [
            # One notification per person and event: deriving twice changes nothing.
            models.UniqueConstraint(fields=["recipient", "event", "kind"], name="one_notification_per_event"),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.kind} #{self.pk}"

    @property
    def text(self):
        """Plain text in the reader's language (escaped by templates and by the bell's textContent)."""
        return describe(self.kind, self.data)

    def as_frame(self):
        return {"type": "notification", "id": self.pk, "kind": self.kind, "text": self.text, "url": self.url,
                "team": self.team_id, "read": self.read_at is not None, "at": self.created_at.isoformat()}


class MailPreference(models.Model):
    """Absent row = the defaults: every kind by mail, batched in a daily digest, in LANGUAGE_CODE."""

    class Interval(models.IntegerChoices):
        HOURLY = 1, _("every hour")
        FOUR_HOURS = 4, _("every 4 hours")
        DAILY = 24, _("daily")
        WEEKLY = 168, _("weekly")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference")
    digest = models.BooleanField(_("batch mails into a digest"), default=True)
    digest_hours = models.PositiveSmallIntegerField(_("digest interval"), choices=Interval.choices,
                                                    default=Interval.DAILY)
    muted_kinds = models.JSONField(default=list, blank=True)  # Kind values not sent by mail
    # The UI language the person last chose or logged in with; blank = never seen (LANGUAGE_CODE).
    language = models.CharField(_("language of mails"), max_length=15, blank=True)

    def wants_mail(self, kind):
        return kind not in self.muted_kinds


class DigestSent(models.Model):
    """The business key of a digest: one per person and interval window."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "window_start"], name="one_digest_per_window")]
