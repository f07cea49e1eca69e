"""Every read of supervision and review, in a constant number of SQL queries.

`team_health` annotates each team with its task and output counts by correlated
subqueries (no join fan-out); the roll-ups per goal, focal area and field of action are
summed in Python from those rows and the prefetched goals, so the desk and the review
pages cost the same few queries for 5 teams or 200.
"""
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from teams.board.models import Card
from teams.models import FieldOfAction, FocalArea, Membership, StrategicGoal, Team
from teams.permissions import viewable_teams

from .models import Output, ReviewMeeting, ReviewNote

ENDING_WITHIN_DAYS = 30
SILENT_AFTER_DAYS = 14


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) subquery for annotate()."""
    return Coalesce(Subquery(queryset.order_by().values("team_id").annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), Value(0))


def with_health(queryset: QuerySet[Team], *, today: datetime.date | None = None) -> QuerySet[Team]:
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


def _decorate(team: Team, today: datetime.date) -> Team:
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
    silent_since = timezone.now() - datetime.timedelta(days=SILENT_AFTER_DAYS)
    team.silent = active and team.last_activity_at < silent_since
    return team


def team_health(teams: Iterable[Team] | QuerySet[Team], *, today: datetime.date | None = None) -> list[Team]:
    today = today or timezone.localdate()
    ids = [t.pk for t in teams] if not hasattr(teams, "query") else teams.values("pk")
    queryset = with_health(Team.objects.filter(pk__in=ids), today=today).order_by("end_date", "name")
    return [_decorate(team, today) for team in queryset]


@dataclass
class Desk:
    teams: list
    ending_soon: list
    silent: list
    with_requests: list
    overdue_total: int


def desk(user: User, *, today: datetime.date | None = None) -> Desk:
    """The field-of-action manager's desk: their field's running (and proposed) teams."""
    today = today or timezone.localdate()
    base = viewable_teams(user).filter(status__in=Team.RUNNING + [Team.Status.PROPOSED])
    teams = team_health(base, today=today)
    return Desk(
        teams=teams,
        ending_soon=[t for t in teams if t.ending_soon],
        silent=[t for t in teams if t.silent],
        with_requests=[t for t in teams if t.pending_requests],
        overdue_total=sum(t.tasks_overdue for t in teams),
    )


@dataclass
class Rollup:
    key: str
    label: str
    teams: list = field(default_factory=list)
    tasks_done: int = 0
    tasks_open: int = 0
    outputs_done: int = 0
    days_used: int = 0
    days_remaining: int = 0
    parent: str = ""

    @property
    def team_count(self) -> int:
        return len(self.teams)

    @property
    def running_count(self) -> int:
        return sum(1 for t in self.teams if t.phase == Team.Phase.ACTIVE)

    @property
    def tasks_total(self) -> int:
        return self.tasks_done + self.tasks_open

    @property
    def done_percent(self) -> int:
        return round(100 * self.tasks_done / self.tasks_total) if self.tasks_total else 0

    @property
    def time_used_percent(self) -> int:
        total = self.days_used + self.days_remaining
        return round(100 * self.days_used / total) if total else 0

    def add(self, team: Team) -> None:
        self.teams.append(team)
        self.tasks_done += team.tasks_done
        self.tasks_open += team.tasks_open
        self.days_used += team.days_used
        self.days_remaining += team.days_remaining


@dataclass
class Review:
    teams: list
    goals: list
    areas: list
    fields: list
    unworked_goals: list
    recent_notes: list


def _done_outputs_per_goal(team_ids: list[int]) -> dict[int, int]:
    """{goal id: delivered outputs serving it}: one query."""
    rows = (Output.goals.through.objects.filter(output__team_id__in=team_ids, output__status=Output.Status.DONE)
            .values("strategicgoal_id").annotate(n=Count("output_id", distinct=True)))
    return {row["strategicgoal_id"]: row["n"] for row in rows}


def review(user: User, *, today: datetime.date | None = None) -> Review:
    """Progress per team and rolled up per strategic goal, focal area and field of action.

    A team counts for every goal (and so area and field) it is linked to; tasks are the
    team's; outputs count for the goals they serve. Archived and proposed teams are left
    out of the progress figures (a goal with only a proposal is still "nobody works on it").
    """
    today = today or timezone.localdate()
    teams = team_health(viewable_teams(user).exclude(status__in=[Team.Status.ARCHIVED, Team.Status.PROPOSED]),
                        today=today)
    goals = list(StrategicGoal.objects.select_related("focal_area").order_by("code"))
    areas = list(FocalArea.objects.order_by("number"))
    fields = list(FieldOfAction.objects.order_by("id"))
    per_goal = {g.pk: Rollup(key=g.code, label=g.title, parent=str(g.focal_area.number)) for g in goals}
    per_area = {a.pk: Rollup(key=str(a.number), label=a.name) for a in areas}
    per_field = {f.pk: Rollup(key=f.code, label=f.name) for f in fields}
    for team in teams:
        team_areas = set()
        for goal in team.goals.all():
            per_goal[goal.pk].add(team)
            team_areas.add(goal.focal_area_id)
        for area_id in team_areas:
            per_area[area_id].add(team)
        for field_of_action in team.fields_of_action.all():
            per_field[field_of_action.pk].add(team)
        team.outputs_counted = team.outputs_done
    outputs = _done_outputs_per_goal([t.pk for t in teams])
    for goal_id, count in outputs.items():
        per_goal[goal_id].outputs_done += count
    # Areas and fields: each delivered output once, however many of their goals it serves.
    for team in teams:
        for field_of_action in team.fields_of_action.all():
            per_field[field_of_action.pk].outputs_done += team.outputs_done
    area_outputs = (Output.objects.filter(team_id__in=[t.pk for t in teams], status=Output.Status.DONE)
                    .values("goals__focal_area_id").annotate(n=Count("pk", distinct=True)))
    for row in area_outputs:
        if row["goals__focal_area_id"] in per_area:
            per_area[row["goals__focal_area_id"]].outputs_done += row["n"]
    goal_rollups = [per_goal[g.pk] for g in goals]
    unworked = [g for g in goals if not any(t.phase == Team.Phase.ACTIVE for t in per_goal[g.pk].teams)]
    visible_ids = [t.pk for t in teams]
    notes = list(ReviewNote.objects.filter(team_id__in=visible_ids).select_related("team", "author")[:10])
    return Review(teams=teams, goals=goal_rollups, areas=[per_area[a.pk] for a in areas],
                  fields=[per_field[f.pk] for f in fields], unworked_goals=unworked, recent_notes=notes)


def team_review(team: Team) -> tuple[list[ReviewNote], list[ReviewMeeting], list[Output]]:
    """Everything the per-team review page shows: notes, meetings, outputs, closing report."""
    notes = list(ReviewNote.objects.filter(team=team).select_related("author", "meeting"))
    meetings = list(ReviewMeeting.objects.filter(teams=team).prefetch_related("teams"))
    outputs = list(Output.objects.filter(team=team).prefetch_related("goals"))
    return notes, meetings, outputs


def burn_up(team: Team, *, weeks: int | None = None, today: datetime.date | None = None
            ) -> list[tuple[datetime.date, int, int]]:
    """Weekly points of the team's burn-up: cards in scope (created) and cards done by then.

    A card's done date is when it last changed while in a done column (cards are moved to
    done last); one query, however many cards."""
    today = today or timezone.localdate()
    start = team.start_date
    end = min(max(team.end_date, start), today) if today >= start else start
    rows = list(Card.objects.filter(team=team, archived=False)
                .values_list("created_at", "updated_at", "column__is_done"))
    span_days = max((end - start).days, 1)
    step = max(span_days // (weeks or 12), 1)
    points = []
    day = start
    while True:
        cutoff = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min,
                                           tzinfo=timezone.get_current_timezone())
        scope = sum(1 for created, _u, _d in rows if created < cutoff)
        done = sum(1 for _c, updated, is_done in rows if is_done and updated < cutoff)
        points.append((day, scope, done))
        if day >= end:
            break
        day = min(day + datetime.timedelta(days=step), end)
    return points


def meetings_for(user: User) -> list[ReviewMeeting]:
    ids = viewable_teams(user).values("pk")
    return list(ReviewMeeting.objects.filter(teams__in=ids).distinct().prefetch_related("teams")
                .order_by("-scheduled_for")[:50])
