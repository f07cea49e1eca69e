"""Django's SQLite backend with a connection pool per process, as PostgreSQL has psycopg's.

Under ASGI every request and every WebSocket command gets a connection of its own (Django's connections
live per thread and context), and opening one costs far more than a page's queries: connect, Django's SQL
functions, and the PRAGMAs, where `journal_mode=WAL` alone took a fifth of a bare page's time
(docs/benchmarks.md). So closing a connection hands it back and the next one is taken from here.
"""
import os
import threading

from django.db.backends.sqlite3 import base

IDLE_KEPT = 16  # more idle connections than this are closed: a burst does not keep its peak open


class _Pool:
    def __init__(self):
        self._lock = threading.Lock()
        self._idle: dict[tuple, list] = {}

    def take(self, key):
        with self._lock:
            idle = self._idle.get(key)
            return idle.pop() if idle else None

    def give(self, key, conn):
        if conn.in_transaction:  # closed in the middle of something: it starts clean for the next one
            conn.rollback()
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < IDLE_KEPT:
                idle.append(conn)
                return
        conn.close()

    def forget(self):
        """In a forked child (a Celery worker's process): the parent's connections are never used here."""
        self._lock = threading.Lock()
        self._idle = {}

    def clear(self):
        with self._lock:
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()


POOL = _Pool()
os.register_at_fork(after_in_child=POOL.forget)


class DatabaseWrapper(base.DatabaseWrapper):
    def _pool_key(self):
        return (self.settings_dict["NAME"], tuple(self.init_commands))

    def get_new_connection(self, conn_params):
        self.opened_in = os.getpid()
        return POOL.take(self._pool_key()) or super().get_new_connection(conn_params)

    def _close(self):
        if self.connection is None:
            return
        with self.wrap_database_errors:
            # In memory, its data lives only in this connection; one inherited across a fork (Celery's worker
            # closes the parent's) must not serve this process: both are closed, as without the pool.
            if self.is_in_memory_db() or getattr(self, "opened_in", None) != os.getpid():
                self.connection.close()
            else:
                POOL.give(self._pool_key(), self.connection)
