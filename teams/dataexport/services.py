"""Requesting a data export and following its link: the one write path of this app.

request_export: permission (permissions.may_request_export) → throttle (one export being prepared per person,
EXPORT_DAILY_LIMIT a day) → the row, in a transaction that locks the person → an audit entry → after commit,
the Celery job (tasks.build_export_task). The job mails the recipient (the one who asked) a signed link that
works for EXPORT_LINK_DAYS and only for the recipient, signed in.
"""
import datetime
import logging

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.audit import trail
from teams.review.reports import queue_options

from . import files
from .models import DataExport
from .permissions import may_request_export

log = logging.getLogger(__name__)
BUILD_TASK = "dataexport.build"
LINK_SALT = "teams.dataexport.link"


class LinkExpired(Exception):
    """The link was right, but its time is over (or the file is gone): the page says so (410)."""

    def __init__(self, export: DataExport):
        super().__init__(export.pk)
        self.export = export


def link_days() -> int:
    return int(getattr(settings, "EXPORT_LINK_DAYS", 7))


def enqueue(export_id: int) -> None:
    """Ask the worker to build the export; a broker that cannot be reached loses nothing (requeue_pending)."""
    try:
        current_app.send_task(BUILD_TASK, args=[export_id], **queue_options())
    except Exception:
        log.warning("could not queue data export %s; the sweep will", export_id, exc_info=True)


@transaction.atomic
def request_export(actor: User, person: User) -> DataExport:
    if not may_request_export(actor, person):
        raise PermissionDenied(_("Only the person themself or cluster management may export a person's data."))
    if not actor.email:
        raise ValidationError(_("Your account has no e-mail address to send the link to."))
    User.objects.select_for_update().filter(pk=person.pk).first()  # two requests at once: one after the other
    mine = DataExport.objects.filter(person=person)
    if mine.filter(status__in=DataExport.ACTIVE).exists():
        raise ValidationError(_("An export of this person's data is being prepared already. The link comes by "
                                "mail when it is ready."))
    limit = int(getattr(settings, "EXPORT_DAILY_LIMIT", 3))
    if mine.filter(created_at__gt=timezone.now() - datetime.timedelta(days=1)).count() >= limit:
        raise ValidationError(_("At most %(count)d exports of a person's data a day. Please try again tomorrow.")
                              % {"count": limit})
    export = DataExport.objects.create(person=person, requested_by=actor, path=files.new_path())
    trail.record("export.requested", actor=actor, subject=person, detail={"data_export": export.pk})
    transaction.on_commit(lambda: enqueue(export.pk))  # the worker must see the row
    return export


def link_token(export: DataExport) -> str:
    return signing.dumps({"export": export.pk, "to": export.requested_by_id}, salt=LINK_SALT)


def export_for_link(user: User, token: str) -> DataExport:
    """The export a link names, for the signed-in `user`. Http404 for a wrong link or another person (they learn
    nothing), LinkExpired for a link past its days or an export whose file is gone."""
    try:
        claims = signing.loads(token, salt=LINK_SALT, max_age=datetime.timedelta(days=link_days()))
    except signing.SignatureExpired:
        claims = signing.loads(token, salt=LINK_SALT)  # right, but old: only its recipient learns it expired
        expired = True
    except signing.BadSignature:
        raise Http404
    else:
        expired = False
    export_id = claims.get("export") if isinstance(claims, dict) else None
    if not isinstance(export_id, int) or claims.get("to") != user.pk:
        raise Http404
    export = DataExport.objects.select_related("person").filter(pk=export_id, requested_by=user).first()
    if export is None or export.status not in (DataExport.Status.READY, DataExport.Status.EXPIRED):
        raise Http404
    if expired or export.is_expired or not files.file_of(export).exists():
        raise LinkExpired(export)
    return export


def record_download(user: User, export: DataExport) -> None:
    trail.record("export.downloaded", actor=user, subject=export.person, detail={"data_export": export.pk})


def latest_own_export(person: User) -> DataExport | None:
    """The account page's status: the last export the person asked for themself."""
    return DataExport.objects.filter(person=person, requested_by=person).first()
