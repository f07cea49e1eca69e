"""Each team's health for the desk, the review pages and the agenda, in a constant number of queries.

`team_health` annotates each team with its task and output counts by correlated
subqueries (no join fan-out) and decorates it with its time used, what is overdue and
whether it has gone silent: the same few queries for 5 teams or 200.
"""
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from teams.board.models import Card
from teams.models import Membership, StrategicGoal, Team
from teams.permissions import viewable_teams

from .models import Output


class Counts(TypedDict):
    """What `with_health` annotates on each team."""
    tasks_done: int
    tasks_open: int
    tasks_overdue: int
    outputs_done: int
    outputs_total: int
    pending_requests: int
    member_total: int


class Health(Counts):
    """… and what `_decorate` works out from those and the dates: a `team_health` row."""
    days_total: int
    days_used: int
    days_remaining: int
    time_used_percent: int
    tasks_total: int
    done_percent: int
    ending_soon: bool
    silent: bool


if TYPE_CHECKING:  # django-stubs-ext is a lint dependency, not a runtime one
    from django_stubs_ext import WithAnnotations
    TeamCounts = WithAnnotations[Team, Counts]
    TeamHealth = WithAnnotations[Team, Health]

ENDING_WITHIN_DAYS = 30
SILENT_AFTER_DAYS = 14


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) subquery for annotate()."""
    return Coalesce(Subquery(queryset.order_by().values("team_id").annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), Value(0))


def with_health(queryset: QuerySet[Team], *, today: datetime.date | None = None) -> "QuerySet[TeamCounts]":
    today = today or timezone.localdate()
    cards = Card.objects.filter(team_id=OuterRef("pk"), archived=False)
    queryset = queryset.annotate(
        tasks_done=_count(cards.filter(column__is_done=True)),
        tasks_open=_count(cards.filter(column__is_done=False)),
        tasks_overdue=_count(cards.filter(column__is_done=False, due_date__lt=today)),
    )
    outputs = Output.objects.filter(team_id=OuterRef("pk"))
    requests = Membership.objects.filter(team_id=OuterRef("pk"), state=Membership.State.REQUESTED)
    members = Membership.objects.filter(team_id=OuterRef("pk"), state=Membership.State.ACTIVE)
    return queryset.annotate(
        outputs_done=_count(outputs.filter(status=Output.Status.DONE)),
        outputs_total=_count(outputs),
        pending_requests=_count(requests),
        member_total=_count(members),
    ).prefetch_related(
        Prefetch("goals", queryset=StrategicGoal.objects.select_related("focal_area")), "fields_of_action")


def _decorate(counted: "TeamCounts", today: datetime.date, now: datetime.datetime) -> "TeamHealth":
    team = cast("TeamHealth", counted)  # gains the Health fields below
    team.days_total = max((team.end_date - team.start_date).days, 1)
    team.days_used = min(max((today - team.start_date).days, 0), team.days_total)
    active = team.phase == Team.Phase.ACTIVE
    # An ended, concluded or proposed team has no days left and nothing overdue: its work is not running.
    team.days_remaining = max((team.end_date - today).days, 0) if active else 0
    if not active:
        team.tasks_overdue = 0
    team.time_used_percent = round(100 * team.days_used / team.days_total)
    total = team.tasks_done + team.tasks_open
    team.tasks_total = total
    team.done_percent = round(100 * team.tasks_done / total) if total else 0
    team.ending_soon = active and 0 <= (team.end_date - today).days <= ENDING_WITHIN_DAYS
    team.silent = active and team.last_activity_at < silent_before(now)
    return team


def silent_before(now: datetime.datetime) -> datetime.datetime:
    """A running team whose last activity is older than this is silent."""
    return now - datetime.timedelta(days=SILENT_AFTER_DAYS)


def team_health(teams: Iterable[Team], *, today: datetime.date | None = None,
                now: datetime.datetime | None = None) -> "list[TeamHealth]":
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    ids = teams.values_list("pk", flat=True) if isinstance(teams, QuerySet) else [t.pk for t in teams]
    queryset = with_health(Team.objects.filter(pk__in=ids), today=today).order_by("end_date", "name")
    return [_decorate(team, today, now) for team in queryset]


@dataclass
class Desk:
    teams: "list[TeamHealth]"
    ending_soon: "list[TeamHealth]"
    silent: "list[TeamHealth]"
    with_requests: "list[TeamHealth]"
    overdue_total: int


def desk_teams(user: User) -> QuerySet[Team]:
    """The teams on the user's desk: the running (and proposed) teams they may view (a field-of-action manager:
    their field's; cluster management and the reviewing bodies: all; anyone else: their own)."""
    return viewable_teams(user).filter(status__in=Team.RUNNING + [Team.Status.PROPOSED])


def desk(teams: Iterable[Team], *, today: datetime.date | None = None, now: datetime.datetime | None = None) -> Desk:
    """The desk of `teams` (`desk_teams(user)`): their health and what needs attention."""
    teams = team_health(teams, today=today, now=now)
    return Desk(
        teams=teams,
        ending_soon=[t for t in teams if t.ending_soon],
        silent=[t for t in teams if t.silent],
        with_requests=[t for t in teams if t.pending_requests],
        overdue_total=sum(t.tasks_overdue for t in teams),
    )
