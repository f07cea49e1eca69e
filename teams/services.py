"""A team's lifecycle: proposed → launched → (extended) → concluded → archived, and its edits.

The contract of every service (this module, teams/membership.py, the parts' services.py,
review/, notify/):
- Views, consumers, admin actions and Celery jobs call services and nothing else to change data.
- Signature: `service(actor, target, *, the rest)`: the acting user and the object acted on are
  positional, everything else keyword-only; typed.
- Order: lock and check first (`teams.permissions.lock_and_require(actor, action, team)`: the
  team's row lock and the permission in one call, its lock contract in its docstring; the
  system's jobs, which have no actor, take `lock_team`), then validate, then write and record
  the event (`teams.events.record`) in the same transaction; the ring follows the commit.
- Errors: PermissionDenied or ValidationError, with messages meant for the person who asked.
- Returns: the Event it recorded (None when nothing changed; a list when it records one per
  team), unless its caller needs the object it created: then that object (propose_team and
  launch_new_team return the Team, enrol_member a Membership, add_output an Output…).
"""
import datetime
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teams.board.columns import set_up_board
from teams.discussion.channels import set_up_channels

from . import events
from .invitations import services as invitation_services
from .membership import add_member
from .models import Event, FieldOfAction, Membership, StrategicGoal, Team
from .permissions import Action, can_launch_teams, can_propose, lock_and_require, lock_team

# Lifecycle: which statuses each transition starts from, and where it leads.
TRANSITIONS = {
    Action.LAUNCH: ({Team.Status.PROPOSED}, Team.Status.ACTIVE),
    Action.EXTEND: ({Team.Status.ACTIVE, Team.Status.EXTENDED}, Team.Status.EXTENDED),
    Action.CONCLUDE: ({Team.Status.ACTIVE, Team.Status.EXTENDED}, Team.Status.CONCLUDED),
    Action.ARCHIVE: ({Team.Status.CONCLUDED}, Team.Status.ARCHIVED),
}


def team_summary(team: Team) -> dict:
    return {
        "id": team.pk, "slug": team.slug, "name": team.name, "status": team.status,
        "start_date": team.start_date.isoformat(), "end_date": team.end_date.isoformat(),
    }


def _validate_dates(start_date: datetime.date, end_date: datetime.date) -> None:
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end date must not be before the start date.")})


def _validate_end_not_past(end_date: datetime.date) -> None:
    if end_date < timezone.localdate():
        raise ValidationError({"end_date": _("The end date is in the past: a team needs time ahead of it.")})


def _validate_selection(goals: Sequence[StrategicGoal], fields_of_action: Sequence[FieldOfAction]) -> None:
    errors = {}
    if not goals:
        errors["goals"] = _("Link the team to at least one strategic goal.")
    if not fields_of_action:
        errors["fields_of_action"] = _("Choose the team's field of action (or both for a cross-field team).")
    if errors:
        raise ValidationError(errors)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "team"
    slug, n = base, 2
    while Team.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _create(actor: User, *, name: str, purpose: str, goals: Sequence[StrategicGoal],
            fields_of_action: Sequence[FieldOfAction], start_date: datetime.date, end_date: datetime.date,
            status: str) -> Team:
    _validate_dates(start_date, end_date)
    _validate_end_not_past(end_date)
    _validate_selection(goals, fields_of_action)
    team = Team(slug=_unique_slug(name), name=name, purpose=purpose, start_date=start_date,
                end_date=end_date, status=status, proposed_by=actor)
    team.full_clean(exclude=["slug"])
    team.save()
    team.goals.set(goals)
    team.fields_of_action.set(fields_of_action)
    return team


def _transition(team: Team, action: Action) -> None:
    sources, target = TRANSITIONS[action]
    if team.status not in sources:
        raise ValidationError(
            _("A team that is %(status)s cannot be %(verb)s.")
            % {"status": team.get_status_display().lower(), "verb": _VERB[action]}
        )
    team.status = target


# Lazy: looked up in the language of the request that meets the refusal, not at import.
_VERB = {Action.LAUNCH: gettext_lazy("launched"), Action.EXTEND: gettext_lazy("extended"),
         Action.CONCLUDE: gettext_lazy("concluded"), Action.ARCHIVE: gettext_lazy("archived")}


def _on_launch(team: Team, actor: User) -> None:
    # Each workspace part sets itself up for a newly running team.
    set_up_board(team, actor)
    set_up_channels(team, actor)


@transaction.atomic
def propose_team(actor: User, *, name: str, purpose: str, goals: Sequence[StrategicGoal],
                 fields_of_action: Sequence[FieldOfAction], start_date: datetime.date, end_date: datetime.date
                 ) -> Team:
    """Any expert proposes a team; they become its lead. Cluster management launches it."""
    if not can_propose(actor):
        raise PermissionDenied(_("Log in to propose a topic team."))
    team = _create(actor, name=name, purpose=purpose, goals=goals, fields_of_action=fields_of_action,
                   start_date=start_date, end_date=end_date, status=Team.Status.PROPOSED)
    add_member(team, actor, role=Membership.Role.LEAD)
    events.record(team, "team.proposed", actor, {"team": team_summary(team)})
    return team


@transaction.atomic
def launch_new_team(actor: User, *, name: str, purpose: str, goals: Sequence[StrategicGoal],
                    fields_of_action: Sequence[FieldOfAction], start_date: datetime.date, end_date: datetime.date,
                    lead: User | None = None, supporters: Iterable[User] = (), experts: Iterable[User] = ()) -> Team:
    """Cluster management sets up and launches a team in one step, with its lead and supporters as members and
    invitations to `experts` (those ticked among the suggested experts): they join once they accept."""
    if not can_launch_teams(actor):
        raise PermissionDenied(_("Only cluster management launches topic teams."))
    team = _create(actor, name=name, purpose=purpose, goals=goals, fields_of_action=fields_of_action,
                   start_date=start_date, end_date=end_date, status=Team.Status.ACTIVE)
    added = set()
    for person, role in [(lead, Membership.Role.LEAD), *((s, Membership.Role.SUPPORTER) for s in supporters)]:
        if person is not None and person.pk not in added:
            added.add(person.pk)
            add_member(team, person, role=role)
    events.record(team, "team.launched", actor, {"team": team_summary(team)})
    _on_launch(team, actor)
    invited = [person for person in {e.pk: e for e in experts}.values() if person.pk not in added]
    if invited:
        invitation_services.invite(actor, team, people=invited, role=Membership.Role.EXPERT)
    return team


@transaction.atomic
def launch_team(actor: User, team: Team, *, start_date: datetime.date | None = None,
                end_date: datetime.date | None = None) -> Event:
    """Cluster management launches a proposed team, optionally adjusting its time frame."""
    team = lock_and_require(actor, Action.LAUNCH, team)
    _transition(team, Action.LAUNCH)
    team.start_date = start_date or team.start_date
    team.end_date = end_date or team.end_date
    _validate_dates(team.start_date, team.end_date)
    _validate_end_not_past(team.end_date)
    team.save(update_fields=["status", "start_date", "end_date"])
    launched = events.record(team, "team.launched", actor, {"team": team_summary(team)})
    _on_launch(team, actor)
    return launched


@transaction.atomic
def update_team(actor: User, team: Team, *, name: str, purpose: str, goals: Sequence[StrategicGoal],
                fields_of_action: Sequence[FieldOfAction]) -> Event:
    team = lock_and_require(actor, Action.EDIT, team)
    _validate_selection(goals, fields_of_action)
    team.name, team.purpose = name, purpose
    team.full_clean(exclude=["slug"])
    team.save(update_fields=["name", "purpose"])
    team.goals.set(goals)
    team.fields_of_action.set(fields_of_action)
    return events.record(team, "team.updated", actor, {"team": team_summary(team),
                                                        "goals": sorted(g.code for g in goals)})


@transaction.atomic
def extend_team(actor: User, team: Team, *, end_date: datetime.date) -> Event:
    team = lock_and_require(actor, Action.EXTEND, team)
    _transition(team, Action.EXTEND)
    if end_date <= team.end_date:
        raise ValidationError({"end_date": _("The new end date must be after the current one (%(date)s).")
                               % {"date": team.end_date.isoformat()}})
    if end_date < timezone.localdate():
        raise ValidationError({"end_date": _("The new end date must not be in the past.")})
    previous = team.end_date
    team.end_date = end_date
    team.save(update_fields=["status", "end_date"])
    return events.record(team, "team.extended", actor, {"team": team_summary(team),
                                                        "previous_end_date": previous.isoformat()})


@transaction.atomic
def conclude_team(actor: User, team: Team) -> Event:
    return _change_status_only(actor, team, Action.CONCLUDE, "team.concluded")


@transaction.atomic
def archive_team(actor: User, team: Team) -> Event:
    return _change_status_only(actor, team, Action.ARCHIVE, "team.archived")


@transaction.atomic
def archive_team_by_system(team: Team) -> Event:
    """The retention job archives a long concluded team (teams/privacy/retention.py): no person acts, so there
    is no permission to check; the lock and the lifecycle's rules hold as for anyone."""
    return _change_status_only(None, team, Action.ARCHIVE, "team.archived")


def _change_status_only(actor: User | None, team: Team, action: Action, event_type: str) -> Event:
    """A transition that changes nothing but the status (the caller holds the transaction); actor None: the
    system."""
    team = lock_and_require(actor, action, team) if actor is not None else lock_team(team)
    _transition(team, action)
    team.save(update_fields=["status"])
    return events.record(team, event_type, actor, {"team": team_summary(team)})
