"""Who may do what: the one place a permission question is answered.

Team roles are memberships; the membership service grants the matching django-guardian
object permissions in the same transaction, and `can` asks guardian. Cluster bodies are
Django groups and apply to every team (or every team of a field, for its managers).
"""
from collections.abc import Callable, Iterable
from enum import Enum
from typing import TypeVar, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from guardian.core import ObjectPermissionChecker

from teams.review.models import ReportExport

from .models import ClusterRole, Membership, Team


class Action(str, Enum):
    VIEW = "view"  # the team's private content: board, channels, events
    CONTRIBUTE = "contribute"  # cards, messages
    EDIT = "edit"  # name, purpose, goals, board columns
    LAUNCH = "launch"
    EXTEND = "extend"
    CONCLUDE = "conclude"
    ARCHIVE = "archive"
    INVITE = "invite"
    APPROVE_JOIN = "approve_join"
    CHANGE_ROLES = "change_roles"
    REMOVE_MEMBER = "remove_member"
    REQUEST_JOIN = "request_join"
    REVIEW = "review"  # write review notes, schedule review meetings (advisory board, cluster management)


ROLE_PERMISSIONS = {
    Membership.Role.LEAD: {"view_team", "contribute_team", "change_team", "manage_members", "manage_roles"},
    Membership.Role.SUPPORTER: {"view_team", "contribute_team", "change_team", "manage_members"},
    Membership.Role.EXPERT: {"view_team", "contribute_team"},
    Membership.Role.OBSERVER: {"view_team"},
}

ACTION_PERMISSION = {
    Action.VIEW: "view_team",
    Action.CONTRIBUTE: "contribute_team",
    Action.EDIT: "change_team",
    Action.INVITE: "manage_members",
    Action.APPROVE_JOIN: "manage_members",
    Action.CHANGE_ROLES: "manage_roles",
    Action.REMOVE_MEMBER: "manage_roles",
}
CLUSTER_MANAGEMENT_ONLY = {Action.LAUNCH, Action.EXTEND, Action.CONCLUDE, Action.ARCHIVE}
# Bodies that review every team read everything, write nothing on teams.
READ_ALL_ROLES = {ClusterRole.ADVISORY_BOARD, ClusterRole.EXPERT_PANEL, ClusterRole.SPOKESPERSON}

DENIED_MESSAGES = {
    Action.VIEW: _("You are not a member of this team."),
    Action.LAUNCH: _("Only cluster management launches topic teams."),
    Action.EXTEND: _("Only cluster management extends topic teams."),
    Action.CONCLUDE: _("Only cluster management concludes topic teams."),
    Action.ARCHIVE: _("Only cluster management archives topic teams."),
    Action.REVIEW: _("Only the advisory board and cluster management write review notes."),
}
READ_ONLY_MESSAGE = _("This team is read-only: it has ended or is not running.")


_CACHE = "_permission_cache"
T = TypeVar("T")


def _cached(user: User, key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per user object, so once per request (or connection): kept on the user
    itself through getattr/setattr, which a request's lazy user passes on to the real one."""
    cache: dict[str, object] | None = getattr(user, _CACHE, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE, cache)
    if key not in cache:
        cache[key] = compute()
    return cast(T, cache[key])  # each key is filled by one compute, so holds its type


def cluster_roles(user: User) -> frozenset[str]:
    """The user's cluster bodies, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    return _cached(user, "cluster_roles", lambda: frozenset(user.groups.values_list("name", flat=True)))


def is_cluster_management(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or ClusterRole.CLUSTER_MANAGEMENT in cluster_roles(user))


def managed_field_ids(user: User) -> frozenset[int]:
    """Fields of action a field-of-action manager supports (empty for everyone else)."""
    if ClusterRole.FIELD_MANAGER not in cluster_roles(user):
        return frozenset()
    return _cached(user, "managed_field_ids", lambda: frozenset(
        user.profile.fields_of_action.values_list("id", flat=True) if hasattr(user, "profile") else ()))


def reads_every_team(user: User) -> bool:
    return is_cluster_management(user) or bool(READ_ALL_ROLES & cluster_roles(user))


def _has(user: User, codename: str, team: Team) -> bool:
    return _cached(user, "checker", lambda: ObjectPermissionChecker(user)).has_perm(codename, team)


def _fields_of(team: Team) -> set[int]:
    cache = getattr(team, "_prefetched_objects_cache", {})
    if "fields_of_action" in cache:
        return {field.id for field in cache["fields_of_action"]}
    return set(team.fields_of_action.values_list("id", flat=True))


def _team_is_open_for(action: Action, team: Team) -> bool:
    """Lifecycle rules that hold for everyone, cluster management included."""
    if action in (Action.VIEW, Action.LAUNCH, Action.EXTEND, Action.CONCLUDE, Action.ARCHIVE, Action.REVIEW):
        return True
    if action == Action.CONTRIBUTE:
        return team.is_writable
    # Editing and gathering members also happen while a proposal waits for launch.
    return team.status == Team.Status.PROPOSED or team.is_writable


def can(user: User, action: Action | str, team: Team) -> bool:
    action = Action(action)
    if not user.is_authenticated or not user.is_active:
        return False
    if not _team_is_open_for(action, team):
        return False
    if is_cluster_management(user):
        return True
    if action in CLUSTER_MANAGEMENT_ONLY:
        return False
    if action == Action.REVIEW:  # the reviewing bodies write review notes on any team, nothing else
        return bool(READ_ALL_ROLES & cluster_roles(user))
    if action == Action.REQUEST_JOIN:
        return not _has(user, "view_team", team)
    if action == Action.VIEW and (reads_every_team(user) or managed_field_ids(user) & _fields_of(team)):
        return True
    return _has(user, ACTION_PERMISSION[action], team)


def require(user: User, action: Action | str, team: Team) -> None:
    """Raise PermissionDenied with a message the user can act on."""
    if can(user, action, team):
        return
    if user.is_authenticated and can_view(user, team) and not _team_is_open_for(Action(action), team):
        raise PermissionDenied(READ_ONLY_MESSAGE)
    raise PermissionDenied(DENIED_MESSAGES.get(Action(action), _("You may not do this in this team.")))


def can_view(user: User, team: Team) -> bool:
    return can(user, Action.VIEW, team)


def can_launch_teams(user: User) -> bool:
    return is_cluster_management(user) and user.is_active


def can_propose(user: User) -> bool:
    return user.is_authenticated and user.is_active


def team_abilities(user: User, team: Team) -> dict[str, bool]:
    """Everything the user may do in the team: for templates, to show only usable buttons."""
    return {action.value: can(user, action, team) for action in Action}


def lock_team(team: Team) -> Team:
    """Lock the team's row and return it fresh: the lock half of `lock_and_require`, for the
    system's jobs (no actor to check) and for rules that are not one Action (`require_removal`)."""
    return Team.objects.select_for_update().get(pk=team.pk)


def lock_and_require(actor: User, action: Action, team: Team) -> Team:
    """Lock the team's row, then check `actor` may do `action` on it; returns the locked, fresh team.

    The lock contract every service follows: call this first inside the service's transaction,
    before reading anything the change depends on. The team row lock (PostgreSQL's row lock;
    SQLite's IMMEDIATE transaction holds the database's write lock) serialises every write to
    one team, so its event sequence stays gapless and the check sees the team's current status
    and dates, not the caller's possibly stale copy. Raises PermissionDenied (with a message the
    person can act on) and Team.DoesNotExist.
    """
    locked = lock_team(team)
    require(actor, action, locked)
    return locked


# Rules about members, reviews and reports ----------------------------------------------

def require_removal(actor: User, membership: Membership, team: Team) -> None:
    """Anyone may leave a team (or withdraw their join request); removing someone else takes
    Action.REMOVE_MEMBER."""
    if membership.user_id != actor.pk:
        require(actor, Action.REMOVE_MEMBER, team)


def viewable_teams(user: User) -> QuerySet[Team]:
    """The teams `user` may view, as a queryset (supervision pages, reports): every team for the
    reviewing bodies and cluster management, their field's teams for a field-of-action manager,
    their own teams for everyone else."""
    if reads_every_team(user):
        return Team.objects.all()
    fields = managed_field_ids(user)
    mine = Q(memberships__user=user, memberships__state=Membership.State.ACTIVE)
    if fields:
        return Team.objects.filter(Q(fields_of_action__in=fields) | mine).distinct()
    return Team.objects.filter(mine).distinct()


def can_schedule_reviews(user: User) -> bool:
    """The reviewing bodies and cluster management schedule review meetings."""
    return reads_every_team(user)


def can_see_meeting(user: User, teams: Iterable[Team]) -> bool:
    """A review meeting is visible to whoever may view one of its teams."""
    return any(can(user, Action.VIEW, team) for team in teams)


def can_write_minutes(user: User, teams: Iterable[Team]) -> bool:
    """Minutes are written by whoever may review every team of the meeting."""
    return all(can(user, Action.REVIEW, team) for team in teams)


def can_export_report(user: User, team: Team | None = None) -> bool:
    """A team's report: whoever views the team; the report on all teams: those who see beyond their own."""
    if not user.is_authenticated:
        return False
    if team is None:
        return reads_every_team(user) or bool(managed_field_ids(user))
    return can(user, Action.VIEW, team)


def can_download_report(user: User, export: ReportExport) -> bool:
    """Who asked for it, or whoever may still view what it reports on."""
    if export.requested_by_id == user.pk:
        return True
    if export.team is None:
        return reads_every_team(user)
    return can(user, Action.VIEW, export.team)


# Boards and discussions ---------------------------------------------------------------

def can_change_board(user, action: Action, team: Team) -> bool:
    """Columns (EDIT) and cards (CONTRIBUTE): a board exists only while the team runs, so EDIT's
    openness for proposals (team details, members) does not reach the board."""
    return team.is_writable and can(user, action, team)


def lock_and_require_board(actor, action: Action, team: Team) -> Team:
    """`lock_and_require` for a board change: the same lock contract, and the board must be running."""
    locked = lock_and_require(actor, action, team)
    if not locked.is_writable:
        raise PermissionDenied(READ_ONLY_MESSAGE)
    return locked


def may_remove_message(user, team: Team, *, author_id: int | None) -> bool:
    """Your own messages; leads and supporters (and cluster management) remove others'."""
    return author_id == user.pk or can(user, Action.EDIT, team)


TEAM_MENTION_ACTIONS = {  # DiscussionSettings.TeamMention value → who may notify everyone with @team
    "members": Action.CONTRIBUTE,
    "leads_and_supporters": Action.EDIT,
    "leads": Action.CHANGE_ROLES,  # leads (and cluster management)
}


def may_mention_team(user, team: Team, *, policy: str) -> bool:
    """Whether @team from this person notifies everyone, under the team's setting `policy`."""
    return can(user, TEAM_MENTION_ACTIONS.get(policy, Action.CHANGE_ROLES), team)


def may_edit_message(user, *, author_id: int | None) -> bool:
    """A message is edited by its author only (cluster management included)."""
    return author_id == user.pk


def lock_and_require_each(actors: list, action: Action, team: Team) -> tuple[Team, list[PermissionDenied | None]]:
    """`lock_and_require` for a batch of several people's changes (group commit): the team is locked
    once; each actor's refusal (or None) is returned instead of raised, so one refusal fails no other."""
    locked = Team.objects.select_for_update().get(pk=team.pk)
    refusals: list[PermissionDenied | None] = []
    for actor in actors:
        try:
            require(actor, action, locked)
            refusals.append(None)
        except PermissionDenied as exc:
            refusals.append(exc)
    return locked, refusals
