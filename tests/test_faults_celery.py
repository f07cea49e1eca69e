"""Fault: the Celery pool process running a job is killed (SIGKILL) in the middle of it.

A real worker (`-P prefork -c 1`) on Redis and the PostgreSQL test database builds a report. The build is made
observable mid-run by tests/faults_worker_gate.py, loaded only into this worker with `-I`: after the export was
claimed (status "running") each attempt writes `entered-<pid>` and waits for a `release` file. The test kills
that pool child with kill -9. The worker's main process survives, so with `acks_late` and
`task_reject_on_worker_lost` (workspace/settings.py) the message is rejected with requeue at once (no visibility
timeout), a fresh pool child runs the job again, and the result exists exactly once: one export row, done, one
file, the queue drained.

The other case, the worker's MAIN process killed, is documented in docs/security.md ("Fault suite"): the message
stays unacknowledged in Redis until the broker's visibility_timeout (1 h by default) and is then redelivered.
"""
import os
import signal
from pathlib import Path

import pytest
import redis
from django.conf import settings

from teams.models import Event
from teams.notify.models import Notification
from teams.review import reports as review_reports
from teams.review.models import ReportExport
from teams.review.reports import queue_options
from tests.conftest import ROOT, celery_worker_process
from tests.ws_client import poll

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
DEADLINE = 60


@pytest.fixture
def gated_worker(redis_and_postgres, transactional_db, tmp_path):
    gate, media = tmp_path / "gate", tmp_path / "media"
    gate.mkdir()
    media.mkdir()
    log = ROOT / "var" / f"celery-faults-{settings.TEST_RUN_ID}.log"
    with celery_worker_process("-P", "prefork", "-c", "1", "-I", "tests.faults_worker_gate", log=log,
                               env={"FAULT_GATE_DIR": str(gate), "MEDIA_ROOT": str(media)}) as process:
        yield {"process": process, "gate": gate, "media": media, "queue": queue_options()["queue"], "log": log}


def attempts(gate):
    """pid -> export id of every build attempt that reached the gate."""
    return {int(p.name.split("-", 1)[1]): int(p.read_text() or 0) for p in gate.glob("entered-*")}


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def queue_drained(queue):
    """Nothing of our queue waiting or unacknowledged in the broker (kombu keeps unacked in the "unacked" hash)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        if client.llen(queue):
            return False
        import json

        for raw in client.hvals("unacked"):
            try:
                _message, _exchange, routing_key = json.loads(raw)
            except (ValueError, TypeError):
                continue
            if routing_key == queue:
                return False
        return True
    finally:
        client.close()


# The kill -9 is the test: the worker's main process reports its pool child's death and the job it lost
# (then runs the job again, which the test checks). Any other error still fails it.
@pytest.mark.server_log_allows(r"Process 'ForkPoolWorker-\d+' pid:\d+ exited with 'signal 9 \(SIGKILL\)'",
                               r"Task handler raised error: WorkerLostError\('Worker exited prematurely: signal 9")
def test_killed_pool_child_job_runs_again_and_its_result_exists_once(gated_worker, people, team):
    worker, gate, media = gated_worker["process"], gated_worker["gate"], gated_worker["media"]
    events_before, notifications_before = Event.objects.count(), Notification.objects.count()

    export = review_reports.request_report(people["advisor"], team=team, format="csv")  # enqueued after commit

    first = poll(lambda: attempts(gate), what="the first attempt to reach the gate", alive=worker,
                 timeout=DEADLINE)
    (child, exported), = first.items()
    assert exported == export.pk
    assert parent_of(child) == worker.pid, "the job runs in a pool child of the worker"
    export.refresh_from_db()
    assert export.status == ReportExport.Status.RUNNING and export.progress >= 5  # claimed, mid-run

    os.kill(child, signal.SIGKILL)  # the pool child dies mid-job; the main process stays
    second = poll(lambda: {pid: e for pid, e in attempts(gate).items() if pid != child},
                  what="a second attempt (requeued at once by task_reject_on_worker_lost)", alive=worker,
                  timeout=DEADLINE)
    (replacement, exported_again), = second.items()
    assert exported_again == export.pk and replacement != child
    (gate / "release").write_text("go")

    def finished():
        export.refresh_from_db()
        return export.status in (ReportExport.Status.DONE, ReportExport.Status.FAILED)

    poll(finished, what="the report to be built", alive=worker, timeout=DEADLINE)
    assert export.status == ReportExport.Status.DONE and export.progress == 100, (export.status, export.error)
    poll(lambda: queue_drained(gated_worker["queue"]), what="the broker to hold nothing more of the queue",
         alive=worker,
         timeout=DEADLINE)

    # Exactly once: one row, one file (the killed attempt saved none), no other writes, two attempts in all.
    assert ReportExport.objects.count() == 1
    files = [p for p in (media / "reports").rglob("*") if p.is_file()]
    assert [str(p.relative_to(media)) for p in files] == [export.file.name]
    assert files[0].read_bytes().startswith(b"\xef\xbb\xbfTeam")
    assert Event.objects.count() == events_before and Notification.objects.count() == notifications_before
    assert sorted(attempts(gate)) == sorted([child, replacement])
    assert worker.poll() is None
    log = Path(gated_worker["log"]).read_text()
    assert "WorkerLostError" in log, "celery saw the pool process die"
