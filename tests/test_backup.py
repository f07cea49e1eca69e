"""`manage.py backup` and `manage.py restore` as processes, on the engine the suite runs on (SQLite, or
PostgreSQL with DATABASE_URL): a populated workspace comes back in a fresh database row for row and file for
file; a post made while the backup runs is wholly in it or not; a damaged archive, a non-empty target and
another engine's backup are refused with a message, no traceback, nothing written."""
import contextlib
import hashlib
import io
import json
import secrets
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from teams.backup.archive import BackupError, verify
from teams.board.attachments import add_attachment
from teams.board.models import Card
from teams.demo import load_demo
from teams.discussion.posting import post_message
from teams.discussion.rate_limit import rate_limit_suspended
from teams.models import Membership
from tests.conftest import ROOT, server_env

# `live`: each test starts several manage.py processes (seconds each), so `make test-fast` leaves them out.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # binary content, every byte value


@dataclass
class Target:
    """A new database of this engine (created, not migrated) and an empty MEDIA_ROOT, for `restore`."""
    name: str
    media: Path
    env: dict[str, str]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def source_env(media, tmp_path):
    """`manage.py` in a process that sees this test's database and MEDIA_ROOT."""
    connection.close()  # the processes open the database themselves
    return {**server_env(), "MEDIA_ROOT": str(media), "VAR_DIR": str(tmp_path / "var")}


@pytest.fixture
def target(tmp_path):
    env = {**server_env(), "MEDIA_ROOT": str(tmp_path / "restored-media"), "VAR_DIR": str(tmp_path / "restored")}
    if connection.vendor == "postgresql":
        name = f"restore_{secrets.token_hex(6)}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
    else:
        name = env["SQLITE_PATH"] = str(tmp_path / "restored.sqlite3")
    yield Target(name, tmp_path / "restored-media", env)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*arguments, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def backed_up(env, path: Path) -> subprocess.CompletedProcess:
    done = manage("backup", "--output", str(path), env=env)
    assert done.returncode == 0, done.stderr
    return done


@contextlib.contextmanager
def database(name: str):
    """A second connection of this engine, to the database `name` (no pool: closed at the end)."""
    options = {key: value for key, value in connection.settings_dict["OPTIONS"].items() if key != "pool"}
    other = type(connections["default"])({**connection.settings_dict, "NAME": name, "OPTIONS": options}, alias="other")
    try:
        yield other
    finally:
        other.close()


def every_row(db) -> dict[str, list[str]]:
    """Every table's rows, each as text, sorted (so ordered by all columns)."""
    rows = {}
    with db.cursor() as cursor:
        for table in db.introspection.table_names(cursor):
            quoted = db.ops.quote_name(table)  # PostgreSQL: a row as text (types like tsvector print alike)
            cursor.execute(f"SELECT t::text FROM {quoted} t" if db.vendor == "postgresql" else
                           f"SELECT * FROM {quoted}")
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


def every_file(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in root.rglob("*") if path.is_file()}


def refused(done: subprocess.CompletedProcess, words: str) -> None:
    assert done.returncode != 0
    assert words in done.stderr and "Traceback" not in done.stderr, done.stderr


def assert_untouched(target: Target) -> None:
    with database(target.name) as restored:
        assert restored.introspection.table_names() == []
    assert not target.media.exists() or not any(target.media.rglob("*"))


def test_a_populated_workspace_comes_back_row_for_row_and_file_for_file(source_env, target, tmp_path, media):
    load_demo()
    card = Card.objects.order_by("pk").first()
    lead = Membership.objects.filter(team=card.team, role=Membership.Role.LEAD).first().user
    add_attachment(lead, card, upload=SimpleUploadedFile("scan.png", PNG, content_type="image/png"))
    rows, files = every_row(connection), every_file(media)
    assert len(files) >= 2 and PNG in {path.read_bytes() for path in media.rglob("*") if path.is_file()}

    done = backed_up(source_env, tmp_path / "workspace.tar")
    assert done.stdout.splitlines()[0] == str(tmp_path / "workspace.tar")
    tables, total = len(rows), sum(map(len, rows.values()))
    assert f"{tables} tables, {total} rows, {len(files)} files" in done.stdout
    restored = manage("restore", str(tmp_path / "workspace.tar"), env=target.env)
    assert restored.returncode == 0, restored.stderr

    with database(target.name) as db:
        assert every_row(db) == rows
    assert every_file(target.media) == files
    assert tables > 50 and total > 1000  # the demo reached (nearly) every table


def test_a_post_made_while_the_backup_runs_is_wholly_in_it_or_not(team, people, source_env, target, tmp_path):
    channel = team.channels.get()
    backup = subprocess.Popen([sys.executable, "manage.py", "backup", "--output", str(tmp_path / "live.tar")],
                              cwd=ROOT, env=source_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    posted = 0
    with rate_limit_suspended():
        while backup.poll() is None:  # the workspace stays live: posts go on until the backup has finished
            post_message(people["expert"], team, channel=channel, body=f"while backing up {posted}")
            posted += 1
    _out, errors = backup.communicate()
    assert backup.returncode == 0, errors
    assert posted > 0
    assert manage("restore", str(tmp_path / "live.tar"), env=target.env).returncode == 0

    with database(target.name) as db, db.cursor() as cursor:
        cursor.execute("SELECT id FROM discussion_message")
        messages = {pk for (pk,) in cursor.fetchall()}
        cursor.execute("SELECT data FROM teams_event WHERE kind = 'message.posted'")
        announced = {(data if isinstance(data, dict) else json.loads(data))["message"] for (data,) in cursor.fetchall()}
        assert messages == announced  # every message has its event, every event's message is there
        cursor.execute("SELECT t.id, t.last_seq, MAX(e.seq), COUNT(e.id) FROM teams_team t "
                       "LEFT JOIN teams_event e ON e.team_id = t.id GROUP BY t.id, t.last_seq")
        for team_id, last_seq, highest, count in cursor.fetchall():
            assert last_seq == (highest or 0) == count, team_id  # the log ends where the team says, without a gap
        cursor.execute("SELECT COUNT(*) FROM discussion_message WHERE body LIKE %s", ["while backing up %"])
        assert cursor.fetchone()[0] <= posted


def flip_a_byte(archive: Path, member: str) -> None:
    with tarfile.open(archive) as tar:
        offset = tar.getmember(member).offset_data
    with archive.open("r+b") as handle:
        handle.seek(offset + 10)
        byte = handle.read(1)
        handle.seek(offset + 10)
        handle.write(bytes([byte[0] ^ 0xFF]))


def truncate(archive: Path, _member: str) -> None:
    with archive.open("r+b") as handle:
        handle.truncate(archive.stat().st_size // 2)


def other_engine(archive: Path, _member: str) -> None:
    """The same archive, its manifest saying it is of the other engine."""
    with tarfile.open(archive) as tar:
        members = [(member, tar.extractfile(member).read()) for member in tar.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(archive, "w") as tar:
        for member, data in members:
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["engine"] = "sqlite" if manifest["engine"] == "postgresql" else "postgresql"
                data = json.dumps(manifest).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


def test_a_damaged_or_foreign_archive_is_refused_and_nothing_is_written(team, source_env, target, tmp_path):
    backed_up(source_env, tmp_path / "workspace.tar")
    database_member = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"
    for damage, words in [(flip_a_byte, "checksum differs from the manifest"),
                          (truncate, "backup archive"),  # no manifest, or a member cut short
                          (other_engine, "restore it into a workspace on the same engine")]:
        archive = tmp_path / f"{damage.__name__}.tar"
        archive.write_bytes((tmp_path / "workspace.tar").read_bytes())
        damage(archive, database_member)
        refused(manage("restore", str(archive), env=target.env), words)
        assert_untouched(target)


def test_only_an_empty_database_and_media_root_are_restored_into(team, media, source_env, target, tmp_path):
    archive = tmp_path / "workspace.tar"
    backed_up(source_env, archive)
    before = every_row(connection)
    refused(manage("restore", str(archive), env=source_env), "restore only into a new, empty database")
    assert every_row(connection) == before  # the workspace it came from: not one row changed

    target.media.mkdir()
    (target.media / "left-over.txt").write_text("an earlier workspace's file")
    refused(manage("restore", str(archive), env=target.env), "already holds files")
    if connection.vendor == "sqlite":  # not even an empty database file made
        assert not Path(target.name).exists()
    with database(target.name) as restored:
        assert restored.introspection.table_names() == []
    assert every_file(target.media) == {"left-over.txt": hashlib.sha256(b"an earlier workspace's file").hexdigest()}


def test_backup_refuses_to_overwrite_an_archive_or_to_write_into_media_root(team, media, source_env, tmp_path):
    archive = tmp_path / "workspace.tar"
    archive.write_bytes(b"an older backup")
    refused(manage("backup", "--output", str(archive), env=source_env), "already exists")
    assert archive.read_bytes() == b"an older backup"
    refused(manage("backup", "--output", str(media / "backup.tar"), env=source_env), "inside MEDIA_ROOT")
    assert not media.exists() or not any(media.rglob("*"))


@pytest.mark.parametrize("name", ["media/../../outside.txt", "/etc/cron.d/job", "media/a\\..\\b"])
def test_a_member_named_to_escape_media_root_is_refused(name, tmp_path):
    """Even with a manifest that matches it: names are checked, not only checksums."""
    data = b"payload"
    manifest = {"format": 1, "engine": connection.vendor, "members": {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}}}
    archive = tmp_path / "hostile.tar"
    with tarfile.open(archive, "w") as tar:
        for member, content in [(name, data), ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(member)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    with pytest.raises(BackupError, match="not a plain file with a safe name"):
        verify(archive)
