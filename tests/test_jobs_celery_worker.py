"""A real Celery worker on a real Redis broker and the PostgreSQL test database: a report is
requested over HTTP, built by the worker, and downloaded."""
import time

import pytest
from django.conf import settings

from teams.review.models import ReportExport
from tests.conftest import ROOT, celery_worker_process

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker(redis_and_postgres, transactional_db):
    log = ROOT / "var" / f"celery-{settings.TEST_RUN_ID}.log"
    with celery_worker_process("-c", "1", "-P", "solo", log=log) as process:
        yield process


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
