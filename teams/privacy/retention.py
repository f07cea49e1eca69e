"""The retention rules of concluded teams (the daily job in tasks.py; the settings in workspace/settings.py):

1. A concluded team is archived RETENTION_ARCHIVE_AFTER_MONTHS after its conclusion, through the team lifecycle
   (teams.services.archive_team_by_system: the "team.archived" event as any archive records).
2. Its chat is due for deletion RETENTION_DELETE_CHAT_AFTER_YEARS after the conclusion. RETENTION_NOTICE_DAYS
   before that, its leads are told (a "chat.deletion_announced" event; teams/notify/rules.py makes the
   notification and its mail). The ChatRetention row is the business key: a team is told once.
3. A chat is deleted (chat_erasure.delete_chat) only when it is due AND its leads were told at least
   RETENTION_NOTICE_DAYS before: a late notice moves the deletion to notice + RETENTION_NOTICE_DAYS.

"Concluded" is the moment of the team's latest "team.concluded" event: when cluster management concluded it,
which may be before or long after its planned end date (the Team row keeps no conclusion timestamp; the event
log is its record). A team without that event (data from before the event log) counts from its end date.

Every step is idempotent: running the job twice, or two workers at once, changes nothing more.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from teams import events
from teams.audit.trail import record as audit
from teams.discussion.models import Message
from teams.models import Event, Team
from teams.permissions import lock_team
from teams.services import archive_team_by_system

from .chat_erasure import delete_chat
from .dates import months_earlier, months_later
from .models import ChatRetention


def archive_after_months() -> int:
    return settings.RETENTION_ARCHIVE_AFTER_MONTHS


def chat_years() -> int:
    return settings.RETENTION_DELETE_CHAT_AFTER_YEARS


def notice_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.RETENTION_NOTICE_DAYS)


def concluded_at(teams: list[Team]) -> dict[int, datetime.datetime]:
    """When each team was concluded (module docstring): one query for all."""
    found = dict(Event.objects.filter(team__in=teams, kind="team.concluded").values("team_id")
                 .annotate(at=Max("created_at")).values_list("team_id", "at"))
    zone = timezone.get_current_timezone()
    return {team.pk: found.get(team.pk) or datetime.datetime.combine(team.end_date, datetime.time.max, zone)
            for team in teams}


def chat_due_at(concluded: datetime.datetime) -> datetime.datetime:
    return months_later(concluded, 12 * chat_years())


def archive_concluded_teams(*, now: datetime.datetime | None = None) -> list[Event]:
    """Archive every team concluded more than RETENTION_ARCHIVE_AFTER_MONTHS ago."""
    cutoff = months_earlier(now or timezone.now(), archive_after_months())
    teams = list(Team.objects.filter(status=Team.Status.CONCLUDED))
    concluded = concluded_at(teams)
    archived = (_archive_if_due(team, concluded[team.pk], cutoff) for team in teams)
    return [event for event in archived if event is not None]


def _archive_if_due(team: Team, concluded: datetime.datetime, cutoff: datetime.datetime) -> Event | None:
    if concluded > cutoff:
        return None
    try:
        with transaction.atomic():
            event = archive_team_by_system(team)
            audit("retention.archived", team=team, seq=event.seq,
                  detail={"team": team.pk, "concluded_at": concluded.isoformat()})
            return event
    except ValidationError:  # archived meanwhile (another worker): nothing more to do
        return None


def _untold_chat_teams() -> list[Team]:
    """Concluded and archived teams whose chat holds messages and whose leads were not told yet."""
    return list(Team.objects.filter(status__in=Team.CLOSED)
                .filter(Exists(Message.objects.filter(team=OuterRef("pk"))))
                .exclude(Exists(ChatRetention.objects.filter(team=OuterRef("pk")))))


def announce_chat_deletions(*, now: datetime.datetime | None = None) -> list[Event]:
    """Tell the leads of every team whose chat is due within RETENTION_NOTICE_DAYS (once per team)."""
    now = now or timezone.now()
    teams = _untold_chat_teams()
    concluded = concluded_at(teams)
    due = {team.pk: chat_due_at(concluded[team.pk]) for team in teams}
    announced = (_announce(team, due[team.pk], now) for team in teams if due[team.pk] - notice_period() <= now)
    return [event for event in announced if event is not None]


def _announce(team: Team, due: datetime.datetime, now: datetime.datetime) -> Event | None:
    delete_after = max(due, now + notice_period())  # never sooner than a full notice period after telling
    try:
        with transaction.atomic():
            team = lock_team(team)
            ChatRetention.objects.create(team=team, noticed_at=now, delete_after=delete_after)
            return events.record(team, "chat.deletion_announced", None, {
                "due_date": timezone.localdate(delete_after).isoformat(), "delete_after": delete_after.isoformat(),
                "days": settings.RETENTION_NOTICE_DAYS})
    except IntegrityError:  # told already (a retry, or another worker at the same time)
        return None


def delete_due_chats(*, now: datetime.datetime | None = None) -> list[Event]:
    """Delete the chats that are due and whose leads were told at least RETENTION_NOTICE_DAYS ago."""
    now = now or timezone.now()
    due = ChatRetention.objects.filter(deleted_at__isnull=True, delete_after__lte=now,
                                       noticed_at__lte=now - notice_period()).select_related("team")
    return [event for event in (_delete(retention.pk, now) for retention in due) if event is not None]


def _delete(retention_id: int, now: datetime.datetime) -> Event | None:
    with transaction.atomic():
        retention = ChatRetention.objects.select_for_update().select_related("team").get(pk=retention_id)
        if retention.deleted_at is not None:  # another worker was first
            return None
        event = delete_chat(retention.team)
        retention.deleted_at = now
        retention.save(update_fields=["deleted_at"])
        audit("retention.chat_deleted", team=retention.team, seq=event.seq,
              detail={"team": retention.team_id, **event.data})
        return event


def apply_retention(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The daily job: archive, announce, delete (in that order: a deletion is never announced and done in one
    run, as the notice needs RETENTION_NOTICE_DAYS)."""
    now = now or timezone.now()
    return {"archived": len(archive_concluded_teams(now=now)), "announced": len(announce_chat_deletions(now=now)),
            "deleted": len(delete_due_chats(now=now))}
