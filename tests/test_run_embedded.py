"""`manage.py run_embedded` (what `make run` starts) as a process: one signal to it stops daphne and the Celery
worker it started, and the links in its mails point where it serves when SITE_URL is not set."""
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import ROOT, free_port, make_user, server_env, stop_process, wait_for_port
from tests.mail_server import link_in
from tests.server_logs import open_server_log

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def run_embedded(tmp_path):
    started = []

    def start(*options, env=None):
        connection.close()  # let the servers open the database themselves
        port = free_port()
        environment = {**server_env(), "VAR_DIR": str(tmp_path), **(env or {})}
        environment.pop("SITE_URL", None)
        log = open_server_log(ROOT / "var" / f"run-embedded-{port}.log")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_embedded", "--host", "127.0.0.1", "--port", str(port), *options],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(port, process, timeout=60)
        started.append((process, log, descendants(process.pid)))
        return process, port

    yield start
    for process, log, children in started:
        stop_process(process, grace=30)
        for pid in filter(alive, children):  # orphans, should the stop have failed: not left running
            os.kill(pid, signal.SIGKILL)
        log.close()


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc: the children's children too, e.g. Celery's pool)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_sigterm_to_the_parent_stops_daphne_and_the_worker(run_embedded):
    process, port = run_embedded()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(descendants(process.pid)) < 2:  # daphne and the worker are up
        time.sleep(0.05)
    children = descendants(process.pid)
    assert len(children) >= 2
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (accepts(port) or any(map(alive, children))):
        time.sleep(0.05)
    assert not accepts(port)
    assert not [pid for pid in children if alive(pid)]


def test_mail_links_point_where_it_serves_when_site_url_is_not_set(run_embedded, smtp_inbox):
    make_user("anna")
    _process, port = run_embedded("--no-worker", env=smtp_inbox.env)
    base = f"http://127.0.0.1:{port}"
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = browser.open(f"{base}/password/reset/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": "anna@example.org"}).encode()
    browser.open(urllib.request.Request(f"{base}/password/reset/", data=body, headers={"Referer": base}), timeout=10)
    assert link_in(smtp_inbox.wait_for("anna@example.org")).startswith(f"{base}/password/reset/")
