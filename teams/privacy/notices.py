"""The privacy notice and the imprint: reading (`current`), editing (`edit_notice`) and acknowledging the
privacy notice (`acknowledge`). Every change: permission → validation → transaction → audit entry.

The privacy notice's version is what people acknowledge: an edit keeps it (a typo fixed) unless the editor asks
everyone to acknowledge again, which bumps it. The current version is cached (`privacy_version`): the
acknowledgement check runs on every page.
"""
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.audit.trail import record as audit
from teams.text_input import bounded_text

from .models import MAX_NOTICE_LENGTH, Acknowledgement, Notice
from .permissions import can_edit_notices

VERSION_CACHE_KEY = "privacy.notice.version"
VERSION_CACHE_SECONDS = 300  # another process's edit reaches this one within this time at the latest


def current(kind: str) -> Notice | None:
    return Notice.objects.filter(kind=kind).select_related("changed_by").first()


def privacy_version() -> int | None:
    """The privacy notice's current version (None: there is none to acknowledge)."""
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        version = Notice.objects.filter(kind=Notice.Kind.PRIVACY).values_list("version", flat=True).first() or 0
        cache.set(VERSION_CACHE_KEY, version, VERSION_CACHE_SECONDS)
    return version or None


@transaction.atomic
def edit_notice(actor: User, kind: str, *, text_en: str, text_de: str, ask_again: bool = False) -> Notice:
    """Cluster management changes a notice's text in both languages; `ask_again` (the privacy notice only)
    bumps its version, so everyone acknowledges it again at their next page."""
    if not can_edit_notices(actor):
        raise PermissionDenied(_("Only cluster management edits the privacy notice and the imprint."))
    if kind not in Notice.Kind.values:
        raise ValidationError(_("There is no such notice."))
    notice = Notice.objects.select_for_update().filter(kind=kind).first() or Notice(kind=kind, version=0)
    notice.text_en = bounded_text(text_en, field="text_en", max_length=MAX_NOTICE_LENGTH, lines=True)
    notice.text_de = bounded_text(text_de, field="text_de", max_length=MAX_NOTICE_LENGTH, lines=True)
    if (ask_again and kind == Notice.Kind.PRIVACY) or notice.pk is None:
        notice.version += 1
    notice.changed_by, notice.changed_at = actor, timezone.now()
    notice.full_clean()
    notice.save()
    audit("notice.changed", actor=actor, detail={"notice": kind, "version": notice.version,
                                                 "ask_again": bool(ask_again)})
    cache.delete(VERSION_CACHE_KEY)  # now, and again once committed: a read in between may cache the old one
    transaction.on_commit(lambda: cache.delete(VERSION_CACHE_KEY))
    return notice


def has_acknowledged(user: User, version: int) -> bool:
    return Acknowledgement.objects.filter(user=user, version=version).exists()


def acknowledge(user: User, version: int) -> Acknowledgement | None:
    """Record that `user` has read `version` of the privacy notice (once; None if they had already). Only the
    current version can be acknowledged: a page open since before an edit must be read again."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in first."))
    if version != privacy_version():
        raise PermissionDenied(_("The privacy notice has changed meanwhile: please read the current version."))
    try:
        with transaction.atomic():
            acknowledgement = Acknowledgement.objects.create(user=user, version=version)
            audit("notice.acknowledged", actor=user, subject=user, detail={"notice": "privacy", "version": version})
            return acknowledgement
    except IntegrityError:  # acknowledged already (a double click, another tab)
        return None
