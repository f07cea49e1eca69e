from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import Error as DatabaseError

from teams.backup.archive import BackupError
from teams.backup.workspace import backup, default_path


class Command(BaseCommand):
    help = ("Write one archive (.tar) of the workspace while it stays live: the database's one snapshot "
            "(pg_dump, or SQLite's online backup), every uploaded file, and a manifest with their checksums.")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="the archive to write (default: var/backups/backup-<time>.tar)")

    def handle(self, *args, output: Path | None, **options):
        output = output or default_path()
        if output.exists():
            raise CommandError(f"{output} already exists: choose another --output")
        try:
            summary = backup(output)
        except (BackupError, OSError, DatabaseError) as exc:
            raise CommandError(f"backup failed: {exc}") from None
        self.stdout.write(str(summary.path))
        self.stdout.write(f"  {summary.tables} tables, {summary.rows} rows, {summary.files} files "
                          f"({summary.file_bytes} bytes); archive {summary.archive_bytes} bytes")
