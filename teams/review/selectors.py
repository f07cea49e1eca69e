"""Reads of one team's review page and of the review meetings, in a constant number of queries."""
import datetime
from bisect import bisect_left

from django.contrib.auth.models import User
from django.utils import timezone

from teams.board.models import Card
from teams.models import Team
from teams.permissions import viewable_teams

from .models import Output, ReviewMeeting, ReviewNote


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
    # Sorted once, counted by bisection per point (counting every card at every point was a third of the page).
    created = sorted(created for created, _u, _d in rows)
    done_at = sorted(updated for _c, updated, is_done in rows if is_done)
    span_days = max((end - start).days, 1)
    step = max(span_days // (weeks or 12), 1)
    points = []
    day = start
    while True:
        cutoff = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min,
                                           tzinfo=timezone.get_current_timezone())
        points.append((day, bisect_left(created, cutoff), bisect_left(done_at, cutoff)))
        if day >= end:
            break
        day = min(day + datetime.timedelta(days=step), end)
    return points


def meetings_for(user: User) -> list[ReviewMeeting]:
    ids = viewable_teams(user).values("pk")
    return list(ReviewMeeting.objects.filter(teams__in=ids).distinct().prefetch_related("teams")
                .order_by("-scheduled_for")[:50])
