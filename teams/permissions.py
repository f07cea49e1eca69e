"""Who may do what: the one place a permission question is answered.

Team roles are memberships; the membership service grants the matching django-guardian
object permissions in the same transaction, and `can` asks guardian. Cluster bodies are
Django groups and apply to every team (or every team of a field, for its managers).
"""
from enum import Enum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from guardian.core import ObjectPermissionChecker

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
ALL_ROLE_PERMISSIONS = set().union(*ROLE_PERMISSIONS.values())

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


def cluster_roles(user):
    """The user's cluster bodies, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_cluster_roles"):
        user._cluster_roles = frozenset(user.groups.values_list("name", flat=True))
    return user._cluster_roles


def is_cluster_management(user):
    return user.is_authenticated and (user.is_superuser or ClusterRole.CLUSTER_MANAGEMENT in cluster_roles(user))


def managed_field_ids(user):
    """Fields of action a field-of-action manager supports (empty for everyone else)."""
    if ClusterRole.FIELD_MANAGER not in cluster_roles(user):
        return frozenset()
    if not hasattr(user, "_managed_field_ids"):
        user._managed_field_ids = frozenset(user.profile.fields_of_action.values_list("id", flat=True)) \
            if hasattr(user, "profile") else frozenset()
    return user._managed_field_ids


def reads_every_team(user):
    return is_cluster_management(user) or bool(READ_ALL_ROLES & cluster_roles(user))


def _checker(user):
    if not hasattr(user, "_perm_checker"):
        user._perm_checker = ObjectPermissionChecker(user)
    return user._perm_checker


def prefetch(user, teams):
    """Load the user's object permissions for many teams in one query (for lists)."""
    if user.is_authenticated:
        _checker(user).prefetch_perms(list(teams))


def _has(user, codename, team):
    return _checker(user).has_perm(codename, team)


def _fields_of(team):
    cache = getattr(team, "_prefetched_objects_cache", {})
    if "fields_of_action" in cache:
        return {field.id for field in cache["fields_of_action"]}
    return set(team.fields_of_action.values_list("id", flat=True))


def _team_is_open_for(action, team):
    """Lifecycle rules that hold for everyone, cluster management included."""
    if action in (Action.VIEW, Action.LAUNCH, Action.EXTEND, Action.CONCLUDE, Action.ARCHIVE, Action.REVIEW):
        return True
    if action == Action.CONTRIBUTE:
        return team.is_writable
    # Editing and gathering members also happen while a proposal waits for launch.
    return team.status == Team.Status.PROPOSED or team.is_writable


def can(user, action, team):
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


def require(user, action, team):
    """Raise PermissionDenied with a message the user can act on."""
    if can(user, action, team):
        return
    if user.is_authenticated and can_view(user, team) and not _team_is_open_for(Action(action), team):
        raise PermissionDenied(READ_ONLY_MESSAGE)
    raise PermissionDenied(DENIED_MESSAGES.get(Action(action), _("You may not do this in this team.")))


def can_view(user, team):
    return can(user, Action.VIEW, team)


def can_launch_teams(user):
    return is_cluster_management(user) and user.is_active


def can_propose(user):
    return user.is_authenticated and user.is_active


def team_abilities(user, team):
    """Everything the user may do in the team: for templates, to show only usable buttons."""
    return {action.value: can(user, action, team) for action in Action}


def lock_and_require(actor, action, team):
    """Lock the team's row, then check `actor` may do `action` on it; returns the locked, fresh team.

    The lock contract every service follows: call this first inside the service's transaction,
    before reading anything the change depends on. The team row lock (PostgreSQL's row lock;
    SQLite's IMMEDIATE transaction holds the database's write lock) serialises every write to
    one team, so its event sequence stays gapless and the check sees the team's current status
    and dates, not the caller's possibly stale copy. Raises PermissionDenied (with a message the
    person can act on) and Team.DoesNotExist.
    """
    locked = Team.objects.select_for_update().get(pk=team.pk)
    require(actor, action, locked)
    return locked


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
    refusals = []
    for actor in actors:
        try:
            require(actor, action, locked)
            refusals.append(None)
        except PermissionDenied as exc:
            refusals.append(exc)
    return locked, refusals
