"""Progress reports (CSV, PDF): requested by a person, built by the Celery worker.

`build_report` is the job's body (tasks.py); it is idempotent: a finished export is left alone,
a retry after a crash rebuilds from scratch and overwrites nothing else. The job is sent by its
name ("review.build_report"), as the beat schedule names jobs: this module needs no tasks import.
"""
import datetime
import logging

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.audit.trail import record
from teams.markup import excerpt
from teams.models import Team
from teams.permissions import can_export_report

from . import exports
from .models import ReportExport

log = logging.getLogger(__name__)

BUILD_REPORT_TASK = "review.build_report"


def queue_options() -> dict:
    """Under a test run, jobs go to the run's own queue: parallel runs never take each other's."""
    run_id = getattr(settings, "TEST_RUN_ID", "")
    return {"queue": f"celery-{run_id}"} if run_id else {}


def enqueue_report(export_id: int) -> None:
    current_app.send_task(BUILD_REPORT_TASK, args=[export_id], **queue_options())


@transaction.atomic
def request_report(actor: User, *, team: Team | None = None, format: str) -> ReportExport:
    if format not in ReportExport.Format.values:
        raise ValidationError({"format": _("Choose CSV or PDF.")})
    if not can_export_report(actor, team):
        raise PermissionDenied(_("You may not export this report."))
    export = ReportExport.objects.create(requested_by=actor, team=team, format=format)
    record("report.requested", actor=actor, team=team, detail={"export": export.pk, "format": format})
    transaction.on_commit(lambda: enqueue_report(export.pk))  # the worker must see the row
    return export


def downloaded(actor: User, export: ReportExport) -> None:
    """A finished report leaves the server (its reader's right was checked by the view)."""
    record("report.downloaded", actor=actor, team=export.team_id, detail={"export": export.pk,
                                                                          "format": export.format})


def build_report(export_id: int) -> str | None:
    """Build one export; returns the stored file's name, None if there was nothing (more) to do."""
    claimed = ReportExport.objects.filter(
        pk=export_id, status__in=[ReportExport.Status.PENDING, ReportExport.Status.RUNNING]
    ).update(status=ReportExport.Status.RUNNING, progress=5)
    if not claimed:
        return None
    export = ReportExport.objects.select_related("team", "requested_by").get(pk=export_id)

    def progress(percent: float) -> None:
        ReportExport.objects.filter(pk=export_id).update(progress=max(5, min(95, int(percent))))

    try:
        content = exports.build(export, progress)
    except Exception as exc:
        log.exception("report %s failed", export_id)
        ReportExport.objects.filter(pk=export_id).update(status=ReportExport.Status.FAILED,
                                                         error=excerpt(str(exc), 300), finished_at=timezone.now())
        return None
    export.file.save(export.filename, ContentFile(content), save=False)
    ReportExport.objects.filter(pk=export_id).update(status=ReportExport.Status.DONE, progress=100,
                                                     file=export.file.name, finished_at=timezone.now())
    return export.file.name


def requeue_stuck_reports(*, older_than: datetime.timedelta = datetime.timedelta(minutes=10)) -> list[int]:
    """A pending export whose message was lost (a broker restart) is sent again."""
    stale = ReportExport.objects.filter(status=ReportExport.Status.PENDING,
                                        created_at__lt=timezone.now() - older_than)
    ids = list(stale.values_list("pk", flat=True))
    for export_id in ids:
        enqueue_report(export_id)
    return ids
