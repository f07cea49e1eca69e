"""The logs of the server processes a test starts (daphne, Celery), checked at its end (conftest.py
server_logs_are_clean). Its own module: test files import conftest's helpers as tests.conftest, a second
copy of conftest, and the registry must be one list."""
import re
from pathlib import Path

# A record starts with a level (workspace/settings.py LOGGING), a date (daphne before Django is set up,
# Celery's "[2026-11-29 ...: ERROR/...]") or a client address (daphne's access log); other lines belong
# to the record above them (a traceback, a multi-line message).
RECORD_START = re.compile(r"(DEBUG|INFO|WARNING|ERROR|CRITICAL) |\[?\d{4}-\d\d-\d\d |\d+\.\d+\.\d+\.\d+:\d+ ")
PROBLEM = re.compile(r"Traceback|\b(ERROR|CRITICAL)\b")
server_logs = []  # the logs of the servers the running test started


def open_server_log(path):
    """The log of a server process a test starts: read at the test's end (server_logs_are_clean)."""
    server_logs.append(Path(path))
    return open(path, "w")


def log_problems(path, allowed=()):
    records = []
    for line in path.read_text(errors="replace").splitlines():
        if records and not RECORD_START.match(line):
            records[-1] += "\n" + line
        else:
            records.append(line)
    return [record for record in records
            if PROBLEM.search(record) and not any(re.search(pattern, record) for pattern in allowed)]
