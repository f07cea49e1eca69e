"""The cluster's master plan, its people and its time-limited topic teams.

Every write to these models goes through the services (teams/services.py: lifecycle,
teams/membership.py: members); every team change is appended to the team's event log
(Event) with a per-team sequence number.
"""
import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


def _in_language(english, german):
    return german if (get_language() or "en").startswith("de") and german else english


class FieldOfAction(models.Model):
    code = models.CharField(max_length=8, unique=True)
    name_en = models.CharField(max_length=120)
    name_de = models.CharField(max_length=120)
    scope_en = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")

    @property
    def name(self):
        return _in_language(self.name_en, self.name_de)

    def __str__(self):
        return self.name


class FocalArea(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    name_en = models.CharField(max_length=120)
    name_de = models.CharField(max_length=120)

    class Meta:
        ordering = ["number"]
        verbose_name = _("focal area")
        verbose_name_plural = _("focal areas")

    @property
    def name(self):
        return _in_language(self.name_en, self.name_de)

    def __str__(self):
        return f"{self.number}. {self.name}"


class StrategicGoal(models.Model):
    code = models.CharField(max_length=4, unique=True)  # "1a" … "7d"
    focal_area = models.ForeignKey(FocalArea, on_delete=models.PROTECT, related_name="goals")
    title_en = models.CharField(max_length=300)
    title_de = models.CharField(max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")

    @property
    def title(self):
        return _in_language(self.title_en, self.title_de)

    def __str__(self):
        return f"{self.code} {self.title}"


class Profile(models.Model):
    """What the cluster knows of a person beyond the login."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    organisation = models.ForeignKey("people.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="profiles", verbose_name=_("organisation"))
    # For field-of-action managers: the field(s) they support.
    fields_of_action = models.ManyToManyField(FieldOfAction, blank=True, related_name="managers",
                                              verbose_name=_("fields of action"))

    def __str__(self):
        return str(self.user)


class ClusterRole(models.TextChoices):
    """The cluster's bodies, as Django groups (assigned by cluster management)."""

    CLUSTER_MANAGEMENT = "cluster_management", _("Cluster management")
    FIELD_MANAGER = "field_manager", _("Field-of-action manager")
    ADVISORY_BOARD = "advisory_board", _("Advisory board")
    EXPERT_PANEL = "expert_panel", _("Expert panel")
    SPOKESPERSON = "spokesperson", _("Cluster spokesperson")


def _phase_q(phase, today):
    running = models.Q(status__in=Team.RUNNING)
    if phase == Team.Phase.ACTIVE:
        return running & models.Q(end_date__gte=today)
    if phase == Team.Phase.ENDED:
        return running & models.Q(end_date__lt=today)
    return models.Q(status=phase)


class TeamQuerySet(models.QuerySet["Team"]):
    def in_phase(self, phase: str, today: datetime.date | None = None) -> Self:
        return self.filter(_phase_q(phase, today or timezone.localdate()))

    def by_phase(self, *then: str, today: datetime.date | None = None) -> Self:
        """Active teams first, then proposed, ended, concluded and archived ones."""
        today = today or timezone.localdate()
        rank = models.Case(*(models.When(_phase_q(phase, today), then=index)
                             for index, phase in enumerate(Team.Phase.values)), output_field=models.IntegerField())
        return self.order_by(rank, *then)


class Team(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        EXTENDED = "extended", _("Extended")
        CONCLUDED = "concluded", _("Concluded")
        ARCHIVED = "archived", _("Archived")

    RUNNING = [Status.ACTIVE, Status.EXTENDED]
    CLOSED = [Status.CONCLUDED, Status.ARCHIVED]  # for good: no status leads back

    class Phase(models.TextChoices):
        """Where a team is, by its status and its dates: the one definition behind the directory
        filter, the badges, "days left", "overdue", the desk, review and the reports. In order."""
        ACTIVE = "active", _("Active")
        PROPOSED = "proposed", _("Proposed")
        ENDED = "ended", _("Ended")  # running, but past its end date: read-only until extended
        CONCLUDED = "concluded", _("Concluded")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    purpose = models.TextField(_("purpose"), max_length=4000)
    goals = models.ManyToManyField(StrategicGoal, related_name="teams", verbose_name=_("strategic goals"))
    fields_of_action = models.ManyToManyField(FieldOfAction, related_name="teams",
                                              verbose_name=_("fields of action"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED,
                              db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Highest event sequence number handed out; bumped inside the writing transaction.
    last_seq = models.PositiveBigIntegerField(default=0)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic team")
        verbose_name_plural = _("topic teams")
        permissions = [
            ("contribute_team", _("Work on the team's board and channels")),
            ("manage_members", _("Invite members and answer join requests")),
            ("manage_roles", _("Change members' roles and remove members")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="team_ends_after_it_starts",
                                   violation_error_message=_("The end date must not be before the start date.")),
        ]

    def __str__(self):
        return self.name

    @property
    def is_running(self):
        return self.status in (self.Status.ACTIVE, self.Status.EXTENDED)

    @property
    def is_expired(self):
        return self.is_running and self.end_date < timezone.localdate()

    @property
    def is_writable(self):
        """Board and channels take changes only while the team runs within its time frame."""
        return self.is_running and not self.is_expired

    @property
    def phase(self):
        if self.is_running:
            return self.Phase.ENDED if self.is_expired else self.Phase.ACTIVE
        return self.Phase(self.status)

    @property
    def phase_label(self):
        """The badge: an active team also says whether it was extended."""
        return self.get_status_display() if self.phase == self.Phase.ACTIVE else self.phase.label

    @property
    def days_left(self):
        """Only an active team has days left (an ended or concluded one has none, not a negative number)."""
        return (self.end_date - timezone.localdate()).days if self.phase == self.Phase.ACTIVE else None


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        EXPERT = "expert", _("Expert")
        SUPPORTER = "supporter", _("Supporter (field-of-action manager)")
        OBSERVER = "observer", _("Observer")

    class State(models.TextChoices):
        ACTIVE = "active", _("Member")
        REQUESTED = "requested", _("Asked to join")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.EXPERT)
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE)
    message = models.CharField(_("message"), max_length=500, blank=True)  # with a join request
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "role", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_person")]

    def __str__(self):
        return f"{self.user} – {self.team} ({self.role})"


class Event(models.Model):
    """The team's durable event log: what clients replay on (re)connect."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)  # "team.launched", "card.moved", "message.posted" …
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    # The private channel (teams.discussion) an event is about: only its members read it (set at record time).
    private_channel = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["team", "seq"]
        constraints = [models.UniqueConstraint(fields=["team", "seq"], name="one_event_per_team_seq")]

    def __str__(self):
        return f"{self.team_id}#{self.seq} {self.kind}"

    def as_frame(self):
        return {"type": "event", "seq": self.seq, "event": self.kind, "data": self.data,
                "actor": self.actor_id, "at": self.created_at.isoformat()}


# django-guardian with direct foreign keys: fast joins, real referential integrity.
class TeamUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)


class TeamGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)
