"""A real Celery worker on a real Redis broker and the PostgreSQL test database: a report is
requested over HTTP, built by the worker, and downloaded."""
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from teams.review.models import ReportExport
from teams.review.services import queue_options
from tests.conftest import ROOT, missing, server_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_and_postgres():
    if not settings.REDIS_URL:
        missing("REDIS_URL is not set: the Celery worker test needs Redis")
    if connection.vendor != "postgresql":
        missing("DATABASE_URL is not PostgreSQL: the Celery worker test needs it")


@pytest.fixture
def celery_worker(redis_and_postgres, transactional_db):
    connection.close()
    queue = queue_options()["queue"]
    log = open(ROOT / "var" / f"celery-{settings.TEST_RUN_ID}.log", "w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "workspace", "worker", "-c", "1", "-P", "solo",
         "-Q", queue, "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel", "INFO"],
        cwd=ROOT, env=server_env(), stdout=log, stderr=subprocess.STDOUT)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def test_report_requested_over_http_is_built_by_the_worker_and_downloaded(client, people, team, celery_worker):
    client.force_login(people["advisor"])
    for format, check in (("csv", lambda body: b"Data Spaces" in body and body.startswith(b"\xef\xbb\xbfTeam")),
                          ("pdf", lambda body: body.startswith(b"%PDF"))):
        response = client.post("/reports/", {"format": format, "team": team.slug})
        assert response.status_code == 302
        export = ReportExport.objects.filter(format=format).latest("pk")
        deadline = time.monotonic() + 60
        while True:
            status = client.get(f"/reports/{export.pk}/status/").json()
            if status["status"] in ("done", "failed"):
                break
            assert celery_worker.poll() is None, "the worker died"
            assert time.monotonic() < deadline, f"not built in time: {status}"
            time.sleep(0.2)  # polling a condition with a deadline, as the page does
        assert status["status"] == "done", status
        body = b"".join(client.get(status["download"]).streaming_content)
        assert check(body), body[:80]
    client.force_login(people["outsider"])
    assert client.get(status["download"]).status_code == 404
