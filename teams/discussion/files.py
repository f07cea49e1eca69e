"""Files posted with messages: checked with the board's upload check (teams.board.attachments.check_upload,
plus GIF and WebP), staged in storage before the post's transaction, attached to the message in it (its
`message.posted` event lists them) and removed with the message.

An image also gets a preview made by Pillow: decoding it is the last content check (a PNG must be a PNG), and
the preview is a re-encoded copy, so no camera metadata (location) is shown to readers.
"""
import io
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from teams.board.attachments import ATTACHMENT_TYPES, check_upload
from teams.models import Team
from teams.permissions import Action, require

from .models import Message, MessageFile

# The board's types, and the image types a chat is pasted and dropped: GIF and WebP (Pillow checks them).
CHAT_FILE_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    **ATTACHMENT_TYPES,
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
}
# The Pillow format each image type must decode as.
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
MAX_FILES_PER_MESSAGE = 10
MAX_IMAGE_PIXELS = 40_000_000  # larger images are refused before decoding (decompression bombs)
PREVIEW_BOX = (480, 360)


@dataclass(frozen=True)
class StagedFile:
    """A checked file, already in storage (removed again if its post is refused or fails)."""
    stored: str
    name: str
    content_type: str
    size: int
    preview: str = ""
    width: int = 0
    height: int = 0

    def paths(self) -> list[str]:
        return [path for path in (self.stored, self.preview) if path]


def _preview(upload: UploadedFile, content_type: str, folder: str) -> tuple[str, int, int]:
    """Store a small re-encoded copy of an image; returns (path, width, height). Refuses what is no such image."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format != IMAGE_FORMATS[content_type]:
                raise ValidationError({"file": _("The file's content does not match its type (.%(ext)s).")
                                       % {"ext": (upload.name or "").rsplit(".", 1)[-1].lower()}})
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError({"file": _("The image is too large (at most %(mp)d megapixels).")
                                       % {"mp": MAX_IMAGE_PIXELS // 1_000_000}})
            image.seek(0)  # the first frame of an animation
            copy = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            copy.thumbnail(PREVIEW_BOX)
            out = io.BytesIO()
            kind = "png" if copy.mode == "RGBA" else "jpeg"
            copy.save(out, format=kind.upper(), quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise ValidationError({"file": _("The image could not be read.")})
    finally:
        upload.seek(0)
    path = default_storage.save(f"{folder}/preview-{uuid.uuid4().hex}.{kind}", ContentFile(out.getvalue()))
    return path, copy.width, copy.height


def stage(team: Team, upload: UploadedFile) -> StagedFile:
    """Check one upload and put it (and an image's preview) in storage; ValidationError if refused."""
    name, content_type = check_upload(upload, types=CHAT_FILE_TYPES)
    folder = f"chat/{team.pk}"
    preview, width, height = _preview(upload, content_type, folder) if content_type in IMAGE_FORMATS else ("", 0, 0)
    try:
        stored = default_storage.save(f"{folder}/{uuid.uuid4().hex}", upload)
    except Exception:
        if preview:
            default_storage.delete(preview)
        raise
    return StagedFile(stored, name, content_type, upload.size or 0, preview, width, height)


def stage_all(actor: User, team: Team, uploads: list[UploadedFile]) -> list[StagedFile]:
    """Every upload of one post checked and staged, or none (a refusal removes what was already staged)."""
    require(actor, Action.CONTRIBUTE, team)  # an outsider's file never reaches the storage
    if len(uploads) > MAX_FILES_PER_MESSAGE:
        raise ValidationError({"file": _("A message has at most %(n)d files.") % {"n": MAX_FILES_PER_MESSAGE}})
    staged: list[StagedFile] = []
    try:
        for upload in uploads:
            staged.append(stage(team, upload))
    except Exception:
        discard_staged(staged)
        raise
    return staged


def _delete(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def discard_staged(staged: list[StagedFile] | tuple[StagedFile, ...]) -> None:
    _delete([path for item in staged for path in item.paths()])


def attach(messages: list[tuple[Message, tuple[StagedFile, ...]]]) -> dict[int, list[MessageFile]]:
    """The rows of posted messages' staged files (one INSERT); message id → its files."""
    rows = MessageFile.objects.bulk_create([
        MessageFile(message=message, file=item.stored, name=item.name, content_type=item.content_type,
                    size=item.size, preview=item.preview, width=item.width, height=item.height)
        for message, staged in messages for item in staged])
    by_message: dict[int, list[MessageFile]] = {}
    for row in rows:
        by_message.setdefault(row.message_id, []).append(row)
    return by_message


def file_url(team_slug: str, channel_id: int, file_id: int, *, preview: bool = False) -> str:
    url = reverse("discussion:file", args=[team_slug, channel_id, file_id])
    return url + "?preview=1" if preview else url


def file_data(team_slug: str, channel_id: int, row: MessageFile) -> dict:
    """A file as message events carry it (and chat.js shows it)."""
    data = {"id": row.pk, "name": row.name, "size": row.size, "content_type": row.content_type,
            "url": file_url(team_slug, channel_id, row.pk), "image": bool(row.preview)}
    if row.preview:
        data.update(preview=file_url(team_slug, channel_id, row.pk, preview=True),
                    width=row.width, height=row.height)
    return data


def discard_files(messages) -> int:
    """Delete the files of these messages (a queryset or ids): rows now, stored files after commit."""
    rows = MessageFile.objects.filter(message__in=messages)
    paths = [path for stored, preview in rows.values_list("file", "preview") for path in (stored, preview) if path]
    count = rows.delete()[0]
    if paths:
        transaction.on_commit(lambda: _delete(paths))
    return count
