"""What happens when dates come (the daily jobs in tasks.py): cards due soon, teams ending soon,
teams past their end date.

Each job dedupes on a business key (JobRun), so running one twice — or a retry after a worker
crash — changes nothing more. The system acts: no actor to check, so each takes the team lock
with `lock_team` (the lock contract of teams.permissions.lock_and_require).
"""
import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from teams import events
from teams.board.models import Card
from teams.models import Event, Team
from teams.permissions import lock_team
from teams.services import team_summary

from .models import JobRun

DUE_SOON_DAYS = 2
ENDING_SOON_DAYS = 14


def _once(kind: str, object_id: int, date: datetime.date) -> bool:
    """Claim a job's business key inside the caller's transaction; False if it ran already."""
    try:
        with transaction.atomic():
            JobRun.objects.create(kind=kind, object_id=object_id, date=date)
        return True
    except IntegrityError:
        return False


def end_team(team: Team, *, today: datetime.date | None = None) -> Event | None:
    """A team past its end date is read-only (teams.permissions); record that it ended, once
    per end date (an extension gives it a new one), and tell the members (notify/rules.py)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        team = lock_team(team)
        if not (team.is_running and team.end_date < today):
            return None
        if not _once("team.ended", team.pk, team.end_date):
            return None
        return events.record(team, "team.ended", None, {"team": team_summary(team),
                                                        "end_date": team.end_date.isoformat()})


def end_expired_teams(*, today: datetime.date | None = None) -> list[Event]:
    today = today or timezone.localdate()
    due = Team.objects.filter(status__in=[Team.Status.ACTIVE, Team.Status.EXTENDED], end_date__lt=today)
    return [event for event in (end_team(team, today=today) for team in due) if event]


def remind_team_endings(*, today: datetime.date | None = None) -> list[Event]:
    """Members hear once per end date, when their team has 14 days (or fewer) left."""
    today = today or timezone.localdate()
    recorded = []
    horizon = today + datetime.timedelta(days=ENDING_SOON_DAYS)
    for team in Team.objects.filter(status__in=[Team.Status.ACTIVE, Team.Status.EXTENDED],
                                    end_date__gte=today, end_date__lte=horizon):
        with transaction.atomic():
            team = lock_team(team)
            if not _once("team.ending_soon", team.pk, team.end_date):
                continue
            recorded.append(events.record(team, "team.ending_soon", None, {
                "team": team_summary(team), "end_date": team.end_date.isoformat(),
                "days_left": (team.end_date - today).days}))
    return recorded


def remind_due_tasks(*, today: datetime.date | None = None) -> list[Event]:
    """Assignees hear once per card and due date, when it is 2 days (or fewer) away."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    cards = (Card.objects.filter(due_date__gte=today, due_date__lte=horizon, archived=False,
                                 column__is_done=False,
                                 team__status__in=[Team.Status.ACTIVE, Team.Status.EXTENDED])
             .select_related("team").prefetch_related("assignees").order_by("team_id", "pk"))
    recorded = []
    for card in cards:
        assignees = sorted(user.pk for user in card.assignees.all())
        if not assignees:
            continue
        assert card.due_date is not None  # due_date__gte above leaves only cards with a date
        with transaction.atomic():
            team = lock_team(card.team)
            if not _once("card.due_soon", card.pk, card.due_date):
                continue
            recorded.append(events.record(team, "card.due_soon", None, {
                "card": card.pk, "title": card.title, "due_date": card.due_date.isoformat(),
                "assignees": assignees}))
    return recorded
