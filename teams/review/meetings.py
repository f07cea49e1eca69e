"""Review notes on a team, and review meetings of several teams with their agenda and minutes.

Services follow the contract in teams/services.py.
"""
import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams.markup import excerpt
from teams.models import Team
from teams.permissions import Action, lock_and_require

from .health import team_health
from .models import ReviewMeeting, ReviewNote

MAX_NOTE_LENGTH = 5000


@transaction.atomic
def add_review_note(actor: User, team: Team, *, body: str, meeting: ReviewMeeting | None = None) -> ReviewNote:
    team = lock_and_require(actor, Action.REVIEW, team)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the note first.")})
    if len(body) > MAX_NOTE_LENGTH:
        raise ValidationError({"body": _("A review note has at most 5000 characters.")})
    if meeting is not None and not meeting.teams.filter(pk=team.pk).exists():
        raise ValidationError({"meeting": _("That review meeting is not about this team.")})
    note = ReviewNote.objects.create(team=team, author=actor, body=body, meeting=meeting)
    events.record(team, "review_note.added", actor, {
        "note": note.pk, "author": actor.pk, "meeting": meeting.pk if meeting else None, "excerpt": excerpt(body)})
    return note


def agenda_for(teams: Iterable[Team]) -> str:
    """The agenda drawn from the teams' progress (plain text; stays as written)."""
    lines = []
    for number, row in enumerate(team_health(teams), start=1):
        lines.append(_("%(n)d. %(team)s — %(done)d of %(total)d tasks done, %(overdue)d overdue, "
                       "%(outputs)d outputs delivered, %(days)d days left") % {
            "n": number, "team": row.name, "done": row.tasks_done, "total": row.tasks_done + row.tasks_open,
            "overdue": row.tasks_overdue, "outputs": row.outputs_done, "days": row.days_remaining})
    lines.append(_("%(n)d. Any other business") % {"n": len(lines) + 1})
    return "\n".join(lines)


@transaction.atomic
def schedule_review(actor: User, *, title: str, scheduled_for: datetime.datetime,
                    teams: Iterable[Team]) -> ReviewMeeting:
    """One meeting about several teams: each is locked (in id order) and must be reviewable by the actor."""
    chosen = {team.pk: team for team in teams}
    if not chosen:
        raise ValidationError({"teams": _("Choose at least one team to review.")})
    teams = [lock_and_require(actor, Action.REVIEW, chosen[pk]) for pk in sorted(chosen)]
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    meeting = ReviewMeeting.objects.create(title=title.strip(), scheduled_for=scheduled_for, created_by=actor,
                                           agenda=agenda_for(teams))
    meeting.teams.set(teams)
    for team in teams:
        events.record(team, "review_meeting.scheduled", actor, {
            "meeting": meeting.pk, "title": meeting.title, "at": scheduled_for.isoformat()})
    return meeting


@transaction.atomic
def record_minutes(actor: User, meeting: ReviewMeeting, *, minutes: str) -> ReviewMeeting:
    """The meeting's teams are locked first (id order, as everywhere), then the meeting."""
    teams = [lock_and_require(actor, Action.REVIEW, team) for team in meeting.teams.order_by("pk")]
    meeting = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("Write the minutes first.")})
    meeting.minutes, meeting.minutes_by, meeting.minutes_at = minutes, actor, timezone.now()
    meeting.save(update_fields=["minutes", "minutes_by", "minutes_at"])
    for team in teams:
        events.record(team, "review_meeting.minutes", actor, {"meeting": meeting.pk, "title": meeting.title,
                                                              "excerpt": excerpt(minutes)})
    return meeting
