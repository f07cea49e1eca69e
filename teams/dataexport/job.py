"""The Celery jobs' bodies (tasks.py): build an export and mail its link; delete expired files; queue again an
export whose message was lost. Idempotent: the build claims the row (pending or running → running: a job
redelivered after a crash builds again, into the same file), the mail claims `mailed_at`."""
import datetime
import logging

from django.utils import timezone, translation

from teams.notify.services import language_of

from . import archive, files, mail, services
from .models import DataExport

log = logging.getLogger(__name__)


def build_export(export_id: int) -> bool:
    """Build the ZIP (unless built already) and mail its link (unless mailed already). True if a ZIP was built."""
    claimed = DataExport.objects.filter(pk=export_id, status__in=DataExport.ACTIVE).update(
        status=DataExport.Status.RUNNING)
    export = DataExport.objects.select_related("person", "requested_by").filter(pk=export_id).first()
    if export is None:
        return False
    if claimed:
        try:
            files.export_root().mkdir(parents=True, exist_ok=True)
            with translation.override(language_of(export.person)):  # index.html in the person's language
                archive.write(export.person, files.partial_of(export))
            size = files.publish(export)
        except Exception:
            log.exception("data export %s failed", export_id)
            files.delete_file(export)
            DataExport.objects.filter(pk=export_id).update(status=DataExport.Status.FAILED, finished_at=timezone.now())
            return False
        now = timezone.now()
        DataExport.objects.filter(pk=export_id).update(
            status=DataExport.Status.READY, finished_at=now, size=size,
            expires_at=now + datetime.timedelta(days=services.link_days()))
        export.refresh_from_db()
    if export.status == DataExport.Status.READY and export.mailed_at is None and not export.is_expired:
        mail.send_link(export)  # OSError (SMTP down): raised, the job is tried again and mails then
    return bool(claimed)


def expire_exports(*, now: datetime.datetime | None = None) -> list[int]:
    """Delete the files of exports past their days; the rows stay (status "expired": the link says so)."""
    return _expire(expires_at__lte=now or timezone.now())


def expire_every_ready_export() -> list[int]:
    """After an erasure: every ZIP made before it may quote the erased person (a message mentioning them, a
    notification naming them), so each one ends now; its owner may ask again and gets the scrubbed data."""
    return _expire()


def _expire(**conditions) -> list[int]:
    expired = list(DataExport.objects.filter(status=DataExport.Status.READY, **conditions))
    for export in expired:
        files.delete_file(export)
    DataExport.objects.filter(pk__in=[export.pk for export in expired]).update(status=DataExport.Status.EXPIRED)
    return [export.pk for export in expired]


def requeue_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=10)) -> list[int]:
    """An export still waiting long after it was asked for (its message lost with the broker) is queued again."""
    ids = list(DataExport.objects.filter(status=DataExport.Status.PENDING, created_at__lt=timezone.now() - older_than)
               .values_list("pk", flat=True))
    for export_id in ids:
        services.enqueue(export_id)
    return ids
