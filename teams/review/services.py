"""Every write of supervision and review: permission → validation → transaction → event.

The jobs (tasks.py) call `end_expired_teams`, `remind_due_tasks`, `remind_team_endings`
and `build_report`; each dedupes on a business key (JobRun, or the export's status), so
running one twice — or a retry after a worker crash — changes nothing more.
"""
import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events, services as team_services
from teams.models import Membership, Team
from teams.permissions import Action, can, managed_field_ids, reads_every_team, require

from .models import ClosingReport, JobRun, Output, ReportExport, ReviewMeeting, ReviewNote

log = logging.getLogger(__name__)

DUE_SOON_DAYS = 2
ENDING_SOON_DAYS = 14


def _excerpt(text, length=140):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


# Outputs ------------------------------------------------------------------------------

def _team_goals_only(team, goals):
    """Whether every goal (or goal id) is one of the team's own strategic goals."""
    allowed = set(team.goals.values_list("pk", flat=True))
    return all(getattr(goal, "pk", goal) in allowed for goal in goals)


def _validate_output(title, kind, status, goals, team):
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the output a title.")
    if kind not in Output.Kind.values:
        errors["kind"] = _("Unknown kind of output.")
    if status not in Output.Status.values:
        errors["status"] = _("Unknown status.")
    if not _team_goals_only(team, goals):
        errors["goals"] = _("An output can only serve the team's own strategic goals.")
    if errors:
        raise ValidationError(errors)


def output_summary(output, goals):
    return {"output": output.pk, "title": output.title, "kind": output.kind, "status": output.status,
            "date": output.date.isoformat() if output.date else None, "goals": sorted(g.code for g in goals)}


MAX_OUTPUT_BYTES = 20 * 1024 * 1024


@transaction.atomic
def add_output(actor, team, *, title, kind, status=Output.Status.PLANNED, date=None, link="", file=None,
               goals=()):
    team = Team.objects.select_for_update().get(pk=team.pk)
    require(actor, Action.CONTRIBUTE, team)
    _validate_output(title, kind, status, goals, team)
    output = Output(team=team, title=title.strip(), kind=kind, status=status, date=date, link=link or "",
                    created_by=actor)
    if file:
        # Same accepted types and content signatures as board attachments (no HTML, no scripts).
        from teams.board.attachments import check_upload

        output.file_name, output.file_content_type = check_upload(file, max_bytes=MAX_OUTPUT_BYTES)
        output.file = file
    output.full_clean(exclude=["team", "file"])
    output.save()
    output.goals.set(goals)
    events.record(team, "output.added", actor, output_summary(output, goals))
    return output


@transaction.atomic
def set_output_status(actor, output, *, status):
    team = Team.objects.select_for_update().get(pk=output.team_id)
    require(actor, Action.CONTRIBUTE, team)
    if status not in Output.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    output = Output.objects.select_for_update().get(pk=output.pk)
    output.status = status
    if status == Output.Status.DONE and not output.date:
        output.date = timezone.localdate()
    output.save(update_fields=["status", "date"])
    events.record(team, "output.updated", actor, output_summary(output, output.goals.all()))
    return output


# Closing report -------------------------------------------------------------------------

@transaction.atomic
def conclude_with_report(actor, team, report_data):
    """Concluding needs a closing report: both are written, or neither."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    require(actor, Action.CONCLUDE, team)
    summary = (report_data.get("summary") or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Summarise what the team achieved.")})
    if ClosingReport.objects.filter(team=team).exists():
        raise ValidationError(_("This team already has a closing report."))
    outputs = list(report_data.get("outputs") or [])
    if any(output.team_id != team.pk for output in outputs):
        raise ValidationError({"outputs": _("Choose outputs of this team.")})
    if not _team_goals_only(team, report_data.get("goals_advanced") or []):
        raise ValidationError({"goals_advanced": _("Choose strategic goals of this team.")})
    team = team_services.conclude_team(actor, team)  # validates the transition, records team.concluded
    report = ClosingReport.objects.create(team=team, summary=summary, lessons=(report_data.get("lessons") or ""),
                                          written_by=actor)
    report.outputs.set(outputs)
    report.goals_advanced.set(report_data.get("goals_advanced") or [])
    events.record(team, "closing_report.written", actor, {
        "report": report.pk, "outputs": [o.pk for o in outputs],
        "goals_advanced": sorted(g.code for g in report_data.get("goals_advanced") or []),
        "excerpt": _excerpt(summary)})
    return report


# Review notes and meetings --------------------------------------------------------------

@transaction.atomic
def add_review_note(actor, team, *, body, meeting=None):
    team = Team.objects.select_for_update().get(pk=team.pk)
    require(actor, Action.REVIEW, team)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the note first.")})
    if len(body) > 5000:
        raise ValidationError({"body": _("A review note has at most 5000 characters.")})
    if meeting is not None and not meeting.teams.filter(pk=team.pk).exists():
        raise ValidationError({"meeting": _("That review meeting is not about this team.")})
    note = ReviewNote.objects.create(team=team, author=actor, body=body, meeting=meeting)
    events.record(team, "review_note.added", actor, {
        "note": note.pk, "author": actor.pk, "meeting": meeting.pk if meeting else None,
        "excerpt": _excerpt(body)})
    return note


def agenda_for(teams):
    """The agenda drawn from the teams' progress (plain text; stays as written)."""
    from .selectors import team_health

    lines = []
    for number, row in enumerate(team_health(teams), start=1):
        lines.append(_("%(n)d. %(team)s — %(done)d of %(total)d tasks done, %(overdue)d overdue, "
                       "%(outputs)d outputs delivered, %(days)d days left") % {
            "n": number, "team": row.name, "done": row.tasks_done, "total": row.tasks_done + row.tasks_open,
            "overdue": row.tasks_overdue, "outputs": row.outputs_done, "days": row.days_remaining})
    lines.append(_("%(n)d. Any other business") % {"n": len(lines) + 1})
    return "\n".join(lines)


@transaction.atomic
def schedule_review(actor, *, title, scheduled_for, teams):
    teams = list(Team.objects.select_for_update().filter(pk__in=[t.pk for t in teams]).order_by("pk"))
    if not teams:
        raise ValidationError({"teams": _("Choose at least one team to review.")})
    for team in teams:
        require(actor, Action.REVIEW, team)
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
def record_minutes(actor, meeting, *, minutes):
    meeting = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    teams = list(meeting.teams.order_by("pk"))
    for team in teams:
        require(actor, Action.REVIEW, team)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("Write the minutes first.")})
    meeting.minutes, meeting.minutes_by, meeting.minutes_at = minutes, actor, timezone.now()
    meeting.save(update_fields=["minutes", "minutes_by", "minutes_at"])
    for team in teams:
        events.record(team, "review_meeting.minutes", actor, {"meeting": meeting.pk, "title": meeting.title,
                                                              "excerpt": _excerpt(minutes)})
    return meeting


# Jobs ----------------------------------------------------------------------------------

def _once(kind, object_id, date):
    """Claim a job's business key inside the caller's transaction; False if it ran already."""
    try:
        with transaction.atomic():
            JobRun.objects.create(kind=kind, object_id=object_id, date=date)
        return True
    except IntegrityError:
        return False


def end_team(team, today=None):
    """A team past its end date is read-only (teams.permissions); record that it ended, once
    per end date (an extension gives it a new one), and tell the members (rules.py)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        if not (team.is_running and team.end_date < today):
            return None
        if not _once("team.ended", team.pk, team.end_date):
            return None
        return events.record(team, "team.ended", None, {"team": team_services.team_summary(team),
                                                        "end_date": team.end_date.isoformat()})


def end_expired_teams(today=None):
    today = today or timezone.localdate()
    due = Team.objects.filter(status__in=[Team.Status.ACTIVE, Team.Status.EXTENDED], end_date__lt=today)
    return [event for event in (end_team(team, today) for team in due) if event]


def remind_team_endings(today=None):
    """Members hear once per end date, when their team has 14 days (or fewer) left."""
    today = today or timezone.localdate()
    recorded = []
    horizon = today + datetime.timedelta(days=ENDING_SOON_DAYS)
    for team in Team.objects.filter(status__in=[Team.Status.ACTIVE, Team.Status.EXTENDED],
                                    end_date__gte=today, end_date__lte=horizon):
        with transaction.atomic():
            team = Team.objects.select_for_update().get(pk=team.pk)
            if not _once("team.ending_soon", team.pk, team.end_date):
                continue
            recorded.append(events.record(team, "team.ending_soon", None, {
                "team": team_services.team_summary(team), "end_date": team.end_date.isoformat(),
                "days_left": (team.end_date - today).days}))
    return recorded


def remind_due_tasks(today=None):
    """Assignees hear once per card and due date, when it is 2 days (or fewer) away."""
    from django.apps import apps

    try:
        Card = apps.get_model("board", "Card")
    except LookupError:
        return []
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
        with transaction.atomic():
            team = Team.objects.select_for_update().get(pk=card.team_id)
            if not _once("card.due_soon", card.pk, card.due_date):
                continue
            recorded.append(events.record(team, "card.due_soon", None, {
                "card": card.pk, "title": card.title, "due_date": card.due_date.isoformat(),
                "assignees": assignees}))
    return recorded


# Reports ---------------------------------------------------------------------------------

def can_export(user, team=None):
    if not user.is_authenticated:
        return False
    if team is None:
        return reads_every_team(user) or bool(managed_field_ids(user))
    return can(user, Action.VIEW, team)


def can_download(user, export):
    return export.requested_by_id == user.pk or (
        export.team_id is not None and can(user, Action.VIEW, export.team)) or (
        export.team_id is None and reads_every_team(user))


def enqueue_report(export_id):
    from .tasks import build_report_task

    build_report_task.apply_async(args=[export_id], **queue_options())


def queue_options():
    """Under a test run, jobs go to the run's own queue: parallel runs never take each other's."""
    from django.conf import settings

    run_id = getattr(settings, "TEST_RUN_ID", "")
    return {"queue": f"celery-{run_id}"} if run_id else {}


@transaction.atomic
def request_report(actor, *, team=None, format):
    if format not in ReportExport.Format.values:
        raise ValidationError({"format": _("Choose CSV or PDF.")})
    if not can_export(actor, team):
        raise PermissionDenied(_("You may not export this report."))
    export = ReportExport.objects.create(requested_by=actor, team=team, format=format)
    transaction.on_commit(lambda: enqueue_report(export.pk))  # the worker must see the row
    return export


def build_report(export_id):
    """Build one export (the Celery task's body). Idempotent: a finished export is left alone;
    a retry after a crash rebuilds from scratch and overwrites nothing else."""
    from django.core.files.base import ContentFile

    from . import exports

    claimed = ReportExport.objects.filter(
        pk=export_id, status__in=[ReportExport.Status.PENDING, ReportExport.Status.RUNNING]
    ).update(status=ReportExport.Status.RUNNING, progress=5)
    if not claimed:
        return None
    export = ReportExport.objects.select_related("team", "requested_by").get(pk=export_id)

    def progress(percent):
        ReportExport.objects.filter(pk=export_id).update(progress=max(5, min(95, int(percent))))

    try:
        content = exports.build(export, progress)
    except Exception as exc:
        log.exception("report %s failed", export_id)
        ReportExport.objects.filter(pk=export_id).update(status=ReportExport.Status.FAILED,
                                                         error=_excerpt(str(exc), 300), finished_at=timezone.now())
        return None
    export.file.save(export.filename, ContentFile(content), save=False)
    ReportExport.objects.filter(pk=export_id).update(status=ReportExport.Status.DONE, progress=100,
                                                     file=export.file.name, finished_at=timezone.now())
    return export.file.name


def requeue_stuck_reports(older_than=datetime.timedelta(minutes=10)):
    """A pending export whose message was lost (a broker restart) is sent again."""
    stale = ReportExport.objects.filter(status=ReportExport.Status.PENDING,
                                        created_at__lt=timezone.now() - older_than)
    ids = list(stale.values_list("pk", flat=True))
    for export_id in ids:
        enqueue_report(export_id)
    return ids


def team_members_ids(team):
    return list(Membership.objects.filter(team=team, state=Membership.State.ACTIVE).values_list("user_id", flat=True))
