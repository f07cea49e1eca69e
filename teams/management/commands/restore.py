from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import Error as DatabaseError

from teams.backup.archive import BackupError
from teams.backup.workspace import restore


class Command(BaseCommand):
    help = ("Load an archive written by `backup` into an EMPTY database (created, not migrated) and an empty "
            "MEDIA_ROOT. Every checksum is checked first: a damaged archive is refused and nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar written by `manage.py backup`")

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file")
        try:
            manifest = restore(archive)
        except (BackupError, OSError, DatabaseError) as exc:
            raise CommandError(f"restore failed: {exc}") from None
        self.stdout.write(f"Restored {archive} (made {manifest.get('created_at')}): {manifest.get('tables')} tables, "
                          f"{manifest.get('rows')} rows, {manifest['files']} files.")
        self.stdout.write("Run `manage.py migrate` next if this release is newer than the backup.")
