"""Reads of contributions: per team, summed (the review pages), in one query for any number of teams."""
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Q, Sum

from teams.models import Membership, Team

from .models import OFFERS, Contribution

T = TypeVar("T", bound=Team)


@dataclass
class Totals:
    """What a team's active members contribute together."""
    hours_per_month: int = 0
    facilities: int = 0  # members offering facilities
    data: int = 0
    funding: int = 0
    network: int = 0
    members: int = 0  # members who stated anything

    @property
    def stated(self) -> bool:
        return self.members > 0


def totals(team_ids: list[int]) -> dict[int, Totals]:
    """{team id: Totals} for every id (Totals() where nobody stated anything): one query."""
    rows = (Contribution.objects.filter(membership__team_id__in=team_ids,
                                        membership__state=Membership.State.ACTIVE)
            .values("membership__team_id")
            .annotate(hours=Sum("hours_per_month"), members=Count("pk"),
                      **{name: Count("pk", filter=~Q(**{name: ""})) for name in OFFERS}))
    found = {}
    for row in rows:
        counts: dict = dict(row)  # the offers' counts are annotated by name
        found[counts["membership__team_id"]] = Totals(hours_per_month=counts["hours"] or 0, members=counts["members"],
                                                      **{name: counts[name] for name in OFFERS})
    return {team_id: found.get(team_id, Totals()) for team_id in team_ids}


def per_team(teams: Iterable[T]) -> list[tuple[T, Totals]]:
    """Each team with its members' totals, in the given order (one query)."""
    teams = list(teams)
    found = totals([team.pk for team in teams])
    return [(team, found[team.pk]) for team in teams]
