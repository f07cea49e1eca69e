"""A whole workspace into one archive and back: the database's one snapshot, then the uploaded files.

The files are copied after the snapshot, so a file uploaded while the backup runs may be in the archive
without its row: an unreferenced file, harmless. (A file deleted meanwhile may be missing while its row is
in: deleting uploads is rare and happens after its row's commit, so the window is the copy's duration.)"""
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from teams import fragments

from . import databases
from .archive import FORMAT_VERSION, ArchiveWriter, BackupError, extract, extract_tree, verify


@dataclass
class Summary:
    path: Path
    tables: int
    rows: int
    files: int
    file_bytes: int

    @property
    def archive_bytes(self) -> int:
        return self.path.stat().st_size


def default_path() -> Path:
    return Path(settings.VAR_DIR) / "backups" / f"backup-{timezone.now():%Y%m%d-%H%M%S}.tar"


def backup(output: Path) -> Summary:
    engine = databases.engine()
    if output.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise BackupError(f"{output} is inside MEDIA_ROOT: the archive would hold itself; write it elsewhere")
    writer = ArchiveWriter(output)
    try:
        # The dump's scratch copy next to the archive: the same disk, which must hold both anyway.
        with tempfile.TemporaryDirectory(dir=output.parent) as scratch:
            dump = Path(scratch) / databases.DATABASE_MEMBERS.get(engine, "database")
            snapshot = databases.dump(dump)
            writer.add(dump.name, dump)
        files, file_bytes = writer.add_tree(Path(settings.MEDIA_ROOT))
        writer.close({"format": FORMAT_VERSION, "created_at": timezone.now().isoformat(), "engine": engine,
                      "database": dump.name, "migrations": snapshot.migrations,
                      "tables": snapshot.tables, "rows": snapshot.rows})
    except BaseException:
        writer.abort()
        raise
    return Summary(output, snapshot.tables, snapshot.rows, files, file_bytes)


def restore(archive: Path) -> dict[str, Any]:
    """Load `archive` into this workspace's empty database and empty MEDIA_ROOT; its manifest.
    Every check comes before the first write: a refused restore changes nothing."""
    manifest = verify(archive)
    engine = databases.engine()
    if manifest.get("engine") != engine:
        raise BackupError(f"{archive} is a backup of a {manifest.get('engine')} database; this workspace runs on "
                          f"{engine}: restore it into a workspace on the same engine")
    if manifest.get("database") != databases.DATABASE_MEMBERS[engine]:
        raise BackupError(f"{archive} names no {engine} dump in its manifest")
    _refuse_unknown_migrations(manifest.get("migrations"))
    media = Path(settings.MEDIA_ROOT)  # before the database: opening an SQLite file that is not there makes it
    if media.is_dir() and any(path.is_file() for path in media.rglob("*")):
        raise BackupError(f"MEDIA_ROOT ({media}) already holds files: restore into an empty one (move them aside)")
    tables = databases.existing_tables()
    if tables:
        raise BackupError(f"the database {settings.DATABASES['default']['NAME']} already has {len(tables)} tables: "
                          "restore only into a new, empty database (created, not migrated)")
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / manifest["database"]
        extract(archive, manifest["database"], dump)
        databases.load(dump)
    media.mkdir(parents=True, exist_ok=True)
    manifest["files"] = extract_tree(archive, media)
    fragments.renew_all()  # the restored teams' seqs run again from the backup's: a shared cache must not answer
    return manifest


def _refuse_unknown_migrations(migrations: Any) -> None:
    """A backup from a newer release has tables this code does not know: refused (an older one is fine:
    `migrate` brings it up to date after the restore)."""
    if not isinstance(migrations, dict):
        raise BackupError("the manifest has no migration state")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = sorted(f"{app}.{name}" for app, name in migrations.items() if (app, name) not in known)
    if unknown:
        raise BackupError(f"the backup was made by a newer release (migrations unknown here: {', '.join(unknown[:5])})"
                          ": restore it with that release")
