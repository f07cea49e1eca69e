"""workspace/sqlite_pool: a closed SQLite connection is handed back and taken again, clean, instead of reopened."""
import os

import pytest
from django.conf import settings

from workspace.sqlite_pool import base as pool


@pytest.fixture
def wrappers(tmp_path, django_db_blocker):
    """DatabaseWrappers of the pooled backend on a file database of their own (any suite: PostgreSQL's too)."""
    made = []
    options = {"transaction_mode": "IMMEDIATE", "timeout": 20,
               "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    settings_dict = {**settings.DATABASES["default"], "ENGINE": "workspace.sqlite_pool",
                     "NAME": str(tmp_path / "pooled.sqlite3"), "OPTIONS": options, "CONN_MAX_AGE": 0,
                     "USER": "", "PASSWORD": "", "HOST": "", "PORT": ""}

    def make():
        wrapper = pool.DatabaseWrapper(dict(settings_dict), alias=f"pooled{len(made)}")
        made.append(wrapper)
        return wrapper

    with django_db_blocker.unblock():  # its own database, not the test database pytest-django guards
        yield make
        for wrapper in made:
            wrapper.close()
        pool.POOL.clear()


def test_a_closed_connection_is_taken_again_with_its_settings(wrappers):
    first = wrappers()
    first.ensure_connection()
    raw = first.connection
    first.close()
    second = wrappers()
    second.ensure_connection()
    assert second.connection is raw
    with second.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_connections_open_at_once_are_different(wrappers):
    one, two = wrappers(), wrappers()
    one.ensure_connection()
    two.ensure_connection()
    assert one.connection is not two.connection


def test_a_connection_closed_inside_a_transaction_comes_back_rolled_back(wrappers):
    setup = wrappers()
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE note (text TEXT)")
    setup.close()
    writer = wrappers()
    writer.ensure_connection()
    writer.set_autocommit(False)
    with writer.cursor() as cursor:
        cursor.execute("INSERT INTO note VALUES ('half done')")
    raw = writer.connection
    writer.close()  # e.g. a request that failed mid-way
    reader = wrappers()
    with reader.cursor() as cursor:
        assert reader.connection is raw
        assert not raw.in_transaction
        assert cursor.execute("SELECT count(*) FROM note").fetchone()[0] == 0


def test_idle_connections_beyond_the_limit_are_closed(wrappers):
    opened = [wrappers() for _ in range(pool.IDLE_KEPT + 3)]
    for wrapper in opened:
        wrapper.ensure_connection()
    raws = [wrapper.connection for wrapper in opened]
    for wrapper in opened:
        wrapper.close()
    closed = 0
    for raw in raws:
        try:
            raw.execute("SELECT 1")
        except Exception:
            closed += 1
    assert closed == 3


def test_a_forked_child_neither_takes_nor_keeps_its_parents_connections(wrappers):
    parent = wrappers()
    parent.ensure_connection()
    kept = wrappers()
    kept.ensure_connection()
    kept.close()  # idle in the parent's pool
    pid = os.fork()
    if pid == 0:  # the child (as Celery's prefork worker): exits with 0 only if the pool behaves
        ok = pool.POOL.take(kept._pool_key()) is None
        raw = parent.connection
        parent.close()  # Celery's fixup closes what the parent had open
        ok = ok and pool.POOL.take(parent._pool_key()) is None and raw is not None
        os._exit(0 if ok else 1)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    parent.close()
    again = wrappers()
    again.ensure_connection()
    with again.cursor() as cursor:  # the parent's connections still work after the child closed its copies
        assert cursor.execute("SELECT 1").fetchone()[0] == 1
