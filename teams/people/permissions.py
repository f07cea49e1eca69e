"""Who may do what with people: the directory, its "in no team" filter, professional profiles, suggested experts.

The rules about teams stay in teams/permissions.py (at its size limit); these build on them, one place per
action. What a viewer learns about a person's teams is always limited to the teams they may view
(`visible_memberships`, the rule `viewable_teams` inside the query).
"""
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import QuerySet

from teams.models import Membership, Team
from teams.permissions import Action, can, can_launch_teams, is_cluster_management, reads_every_team, viewable_teams


def can_see_directory(user: User) -> bool:
    """Every signed-in, active person sees the expert directory (the cluster's people find each other)."""
    return user.is_authenticated and user.is_active


def can_filter_in_no_team(user: User) -> bool:
    """Cluster management looks for people who are in no team yet (to win them for one); others do not
    learn who is idle."""
    return can_see_directory(user) and is_cluster_management(user)


def can_edit_professional_profile(actor: User, person: User) -> bool:
    """A person sets their own organisation and expertise keywords."""
    return actor.is_authenticated and actor.is_active and actor.pk == person.pk


def can_see_suggestions(user: User, team: Team | None = None) -> bool:
    """Suggested experts are for whoever may invite to `team`, or, for a team not yet launched, whoever
    launches teams (cluster management)."""
    if team is None:
        return can_launch_teams(user)
    return can(user, Action.INVITE, team)


def visible_teams(viewer: User) -> tuple[int, ...] | None:
    """The ids of the teams `viewer` may view, read once (None: every team): all a cached directory page
    depends on of its viewer's rights (besides `can_filter_in_no_team`)."""
    if reads_every_team(viewer):
        return None
    return tuple(viewable_teams(viewer).order_by("pk").values_list("pk", flat=True))


def memberships_in(teams: Iterable[int] | QuerySet | None) -> QuerySet[Membership]:
    """Everyone's (active) memberships in these teams (None: in every team)."""
    memberships = Membership.objects.filter(state=Membership.State.ACTIVE)
    return memberships if teams is None else memberships.filter(team__in=teams)


def visible_memberships(viewer: User) -> QuerySet[Membership]:
    """Everyone's (active) memberships in the teams `viewer` may view: what the directory, a person's page
    and the suggestions may say about anyone's teams."""
    return memberships_in(None if reads_every_team(viewer) else viewable_teams(viewer).values("pk"))
