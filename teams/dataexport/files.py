"""Where export ZIPs are kept: one private folder, MEDIA_ROOT/exports/ (MEDIA_ROOT has no public URL: every
stored file is served by a view that checks who asks, teams/uploads.py). The erasure of a person deletes theirs
with `delete_exports_of`."""
import contextlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User

from .models import DataExport

FOLDER = "exports"


def export_root() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def new_path() -> str:
    """A random file name: nothing about the person, not guessable."""
    return f"{secrets.token_urlsafe(24)}.zip"


def file_of(export: DataExport) -> Path:
    return export_root() / Path(export.path).name  # .name: never outside the folder, whatever the row says


def delete_file(export: DataExport) -> None:
    for path in (file_of(export), partial_of(export)):
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # gone already, or never made
            path.unlink()


def partial_of(export: DataExport) -> Path:
    """The ZIP while it is written; renamed to file_of() when complete, so a reader never sees half a file."""
    return file_of(export).with_suffix(".part")


def publish(export: DataExport) -> int:
    """Move the finished partial file into place; its size."""
    os.replace(partial_of(export), file_of(export))
    return file_of(export).stat().st_size


def delete_exports_of(person: User) -> int:
    """Delete every export file of `person` and their rows (for the erasure); how many rows there were. (Deleting
    a row deletes its file: signals.py, so deleting the account does too.)"""
    exports = list(DataExport.objects.filter(person=person))
    for export in exports:
        delete_file(export)
    DataExport.objects.filter(pk__in=[export.pk for export in exports]).delete()
    return len(exports)
