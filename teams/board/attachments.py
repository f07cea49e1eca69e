"""Files on cards (Action.CONTRIBUTE): the upload check (also used for review outputs) and the
services, under `teams.permissions.lock_and_require_board`'s lock contract. A stored file never
outlives its row: it is removed when the write fails, and after commit when the row is deleted."""
import mimetypes
import os
from collections.abc import Mapping

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from teams.models import Event
from teams.permissions import Action, lock_and_require_board

from .models import Attachment, Card
from .state import fresh_card, touch

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
}


def check_upload(upload: UploadedFile, *, max_bytes: int = MAX_ATTACHMENT_BYTES,
                 types: Mapping[str, tuple[str, tuple[bytes, ...] | None]] = ATTACHMENT_TYPES) -> tuple[str, str]:
    """Size and type of an uploaded file; returns (safe name, content type). Also used for review outputs and
    chat files (teams.discussion.files, with more image `types`)."""
    name = os.path.basename(upload.name or "").strip()[:200] or "file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in types:
        raise ValidationError({"file": _("This file type is not accepted. Allowed: %(types)s.")
                               % {"types": ", ".join(sorted(types))}})
    size = upload.size or 0  # None: a file object of unknown size, refused as empty below
    if size > max_bytes:
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.")
                               % {"mb": max_bytes // (1024 * 1024)}})
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    content_type, signatures = types[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if signatures and not any(head.startswith(signature) for signature in signatures):
        raise ValidationError({"file": _("The file's content does not match its type (.%(ext)s).")
                               % {"ext": extension}})
    if signatures is None and b"\x00" in head:
        raise ValidationError({"file": _("A text file must not contain binary data.")})
    return name, content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"


@transaction.atomic
def add_attachment(actor: User, card: Card, *, upload: UploadedFile) -> Event:
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = fresh_card(card, team)
    name, content_type = check_upload(upload)
    if card.attachments.count() >= 50:
        raise ValidationError(_("A card has at most 50 attachments."))
    attachment = Attachment(card=card, name=name, content_type=content_type,
                            size=upload.size or 0, uploaded_by=actor)  # never 0 here: check_upload refused it
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
        return touch(card, team, actor, "card.attachment_added", {"attachment": attachment.pk, "name": name,
                                                                    "size": attachment.size})
    except Exception:
        if attachment.file.name:  # set by file.save above
            attachment.file.storage.delete(attachment.file.name)  # no orphan file when the write fails
        raise


@transaction.atomic
def remove_attachment(actor: User, attachment: Attachment) -> Event:
    team = lock_and_require_board(actor, Action.CONTRIBUTE, attachment.card.team)
    attachment = Attachment.objects.select_related("card").get(pk=attachment.pk, card__team=team,
                                                               card__archived=False)
    card, pk, name, stored = attachment.card, attachment.pk, attachment.name, attachment.file.name
    attachment.delete()

    if stored:  # always, for a saved attachment
        transaction.on_commit(lambda: default_storage.delete(stored))
    return touch(card, team, actor, "card.attachment_removed", {"attachment": pk, "name": name})
