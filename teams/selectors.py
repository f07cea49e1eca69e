"""Every read of teams for pages and the API: one query shape per page, constant in size."""
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects

from .models import FieldOfAction, FocalArea, Membership, StrategicGoal, Team


class Listed(TypedDict):
    """What a team of a list carries besides its fields."""
    member_count: int  # active members (annotated)


class Mine(Listed):
    my_role: "StrPromise | None"  # the viewer's role, translated lazily (set by `my_teams`)


if TYPE_CHECKING:  # django-stubs-ext is a lint dependency, not a runtime one
    from django_stubs_ext import StrPromise, WithAnnotations
    ListedTeam = WithAnnotations[Team, Listed]
    MyTeam = WithAnnotations[Team, Mine]


def _with_listing_data(queryset: QuerySet[Team]) -> "QuerySet[ListedTeam]":
    return (
        queryset.prefetch_related("goals", "fields_of_action")
        .annotate(member_count=Count("memberships", filter=Q(memberships__state=Membership.State.ACTIVE),
                                     distinct=True))
    )


def directory() -> "QuerySet[ListedTeam]":
    """Every team's public card (name, purpose, goals, dates): the cluster is open to join."""
    return _with_listing_data(Team.objects.by_phase("name", "pk"))  # pk: stable pages


def my_teams(user: User) -> "list[MyTeam]":
    # A subquery, not a join: joining the viewer's membership would make member_count count 1.
    mine = Team.objects.filter(pk__in=Membership.objects.filter(user=user, state=Membership.State.ACTIVE)
                               .values("team_id"))
    teams = cast("list[MyTeam]", list(_with_listing_data(mine.by_phase("end_date", "name"))))  # my_role below
    roles = dict(Membership.objects.filter(user=user, team__in=teams).values_list("team_id", "role"))
    for team in teams:
        team.my_role = Membership.Role(roles[team.pk]).label if team.pk in roles else None  # translated
    return teams


def my_join_requests(user: User) -> list[Membership]:
    return list(Membership.objects.filter(user=user, state=Membership.State.REQUESTED).select_related("team"))


def team_for_page(slug: str) -> Team:
    """The team page's team with who proposed it (one join), as a warm page needs (`with_page_data` when the
    page is built)."""
    return Team.objects.select_related("proposed_by").get(slug=slug)


def with_page_data(team: Team) -> Team:
    """The team with what its page shows besides members: goals with their focal areas, fields."""
    prefetch_related_objects([team], Prefetch("goals", queryset=StrategicGoal.objects.select_related("focal_area")),
                             "fields_of_action")
    return team


def _member_rows_data(team: Team):
    return (Membership.objects.filter(team=team)
            .select_related("user", "user__profile__organisation", "contribution"))


def members_for_page(team: Team, state: str = Membership.State.ACTIVE) -> list[Membership]:
    return list(_member_rows_data(team).filter(state=state).order_by("role", "user__last_name", "user__first_name"))


def membership_for_page(team: Team, user: User) -> Membership | None:
    return _member_rows_data(team).filter(user=user).first() if user.is_authenticated else None


def masterplan() -> tuple[list[FieldOfAction], list[FocalArea]]:
    """Fields of action and focal areas with goals, and the teams working on each goal."""
    goals = StrategicGoal.objects.prefetch_related(
        Prefetch("teams", queryset=Team.objects.exclude(status=Team.Status.ARCHIVED).order_by("name"))
    )
    areas = FocalArea.objects.prefetch_related(Prefetch("goals", queryset=goals))
    return list(FieldOfAction.objects.all()), list(areas)

