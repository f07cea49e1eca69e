"""Progress rolled up per strategic goal, focal area and field of action (the review overview).

Summed in Python from `team_health` rows and their prefetched goals: a few queries, however
many teams.
"""
import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db.models import Count
from django.utils import timezone

from teams.models import FieldOfAction, FocalArea, StrategicGoal, Team
from teams.permissions import viewable_teams

from .health import team_health
from .models import Output, ReviewNote

if TYPE_CHECKING:
    from .health import TeamHealth


@dataclass
class Rollup:
    key: str
    label: str
    teams: "list[TeamHealth]" = field(default_factory=list)
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

    def add(self, team: "TeamHealth") -> None:
        self.teams.append(team)
        self.tasks_done += team.tasks_done
        self.tasks_open += team.tasks_open
        self.days_used += team.days_used
        self.days_remaining += team.days_remaining


@dataclass
class Review:
    teams: "list[TeamHealth]"
    goals: list[Rollup]
    areas: list[Rollup]
    fields: list[Rollup]
    unworked_goals: list[StrategicGoal]
    recent_notes: list[ReviewNote]


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
