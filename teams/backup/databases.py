"""Each engine's dump of ONE snapshot, and its load into an empty database.

A post is one transaction (message, event and the team's `last_seq` together), and the dump reads one
snapshot, so a post made while the backup runs is wholly in it or not at all; writers are not blocked:
- PostgreSQL: `pg_dump --format=custom` in a REPEATABLE READ transaction whose snapshot it shares
  (`pg_export_snapshot`), so the row counts and migration state in the manifest are of the dumped state.
- SQLite: the online backup API in one step (`pages=-1`): one read transaction on the WAL database, while
  writers keep appending to the WAL.
"""
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from .archive import BackupError

DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
_LIBPQ = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGPASSWORD": "PASSWORD", "PGDATABASE": "NAME"}
_LIBPQ_OPTIONS = {"PGSSLMODE": "sslmode", "PGSSLROOTCERT": "sslrootcert", "PGSSLCERT": "sslcert",
                  "PGSSLKEY": "sslkey", "PGSERVICE": "service"}


@dataclass
class Snapshot:
    tables: int
    rows: int
    migrations: dict[str, str]  # app label: its latest applied migration


def engine() -> str:
    return connection.vendor


def libpq_environment() -> dict[str, str]:
    """The connection settings as libpq's variables: the password never on a command line (`ps` shows those)."""
    settings, env = connection.settings_dict, dict(os.environ)
    options = settings.get("OPTIONS") or {}
    env.update({variable: str(settings[key]) for variable, key in _LIBPQ.items() if settings.get(key)})
    env.update({variable: str(options[key]) for variable, key in _LIBPQ_OPTIONS.items() if options.get(key)})
    return env


def _run(tool: str, *arguments: str) -> None:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run([path, "--no-password", *arguments], env=libpq_environment(),
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")


def dump(target: Path) -> Snapshot:
    """Write the database's one snapshot to `target`; what it holds."""
    if engine() == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            _run("pg_dump", "--format=custom", f"--snapshot={cursor.fetchone()[0]}", f"--file={target}")
            return _describe(cursor, connection.introspection.table_names(cursor))
    if engine() != "sqlite":
        raise BackupError(f"backups of {engine()} databases are not supported")
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # pages=-1: every page in one step, one read transaction
        return _describe(copy.cursor(), _sqlite_tables(copy.cursor()))
    finally:
        copy.close()


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                   " ORDER BY name")
    return [name for (name,) in cursor.fetchall()]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _describe(cursor: Any, tables: list[str]) -> Snapshot:
    rows = 0
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quoted(table)}")
        rows += cursor.fetchone()[0]
    migrations: dict[str, str] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        for app, name in cursor.fetchall():
            migrations[app] = max(name, migrations.get(app, name))  # numbered names: the highest is the latest
    return Snapshot(tables=len(tables), rows=rows, migrations=migrations)


def existing_tables() -> list[str]:
    return connection.introspection.table_names()


def load(source: Path) -> None:
    """Load a dump made by `dump` into this (empty) database."""
    if engine() == "postgresql":
        # One transaction: a failed restore leaves the database as empty as it was. Owners and grants are the
        # old server's roles, which need not exist here: the restoring role owns everything.
        _run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
             f"--dbname={connection.settings_dict['NAME']}", str(source))
        return
    # The file is copied into place by SQLite itself (the backup API, into the target's own connection), so a
    # WAL or journal file already next to the target cannot mix with the copied pages.
    connection.close()
    archived, target = sqlite3.connect(source), sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
    try:
        archived.backup(target)
    finally:
        archived.close()
        target.close()
