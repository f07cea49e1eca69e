"""The ZIP of a data export: data.json (collect.SCHEMA; ISO dates, UTF-8), index.html (the same, readable:
one self-contained page in the person's language, every text escaped) and files/ (the attachments they
uploaded, under their original names made safe)."""
import json
import shutil
import unicodedata
import zipfile
from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.text import get_valid_filename

from teams.board.models import Attachment

from . import collect

MAX_NAME = 80


def safe_name(attachment: Attachment) -> str:
    """files/<id>-<name>: the id keeps names apart; the name without paths, controls or odd characters."""
    name = unicodedata.normalize("NFKC", attachment.name or "")
    name = "".join(char for char in name if char.isprintable()).replace("/", "_").replace("\\", "_")
    try:
        name = get_valid_filename(name)
    except SuspiciousFileOperation:  # a name that ends up empty or "..": the id alone will do
        name = "file"
    stem, dot, suffix = name.rpartition(".")
    if len(name) > MAX_NAME:
        name = (stem[:MAX_NAME - len(suffix) - 1] + "." + suffix[:16]) if dot else name[:MAX_NAME]
    return f"files/{attachment.pk}-{name}"


def _add_files(archive: zipfile.ZipFile, attachments: list[Attachment]) -> dict[int, str]:
    names = {}
    for attachment in attachments:
        try:
            source = attachment.file.open("rb")
        except (FileNotFoundError, ValueError):
            continue  # the file is gone from the disk: data.json lists it without a path
        name = safe_name(attachment)
        with source, archive.open(name, "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        names[attachment.pk] = name
    return names


def write(person: User, path: Path) -> None:
    """Write the person's ZIP at `path` (created or overwritten)."""
    attachments = collect.attachments_of(person)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        names = _add_files(archive, attachments)
        data = collect.collect(person, attachments, names)
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
        archive.writestr("index.html", render_to_string("dataexport/index.html", {"data": data}).encode("utf-8"))
