"""Loaded ONLY into the Celery worker of tests/test_faults_celery.py (`celery worker -I tests.faults_worker_gate`,
with FAULT_GATE_DIR set): makes a report build observable mid-run without sleeps in the test.

Each attempt of `teams.review.exports.build` writes `entered-<pid>` into FAULT_GATE_DIR (after the export was
claimed, status "running") and then waits until the test creates `release` there; then the real build runs.
The test kills the pool child while it waits. Not a test module (no test_ prefix): pytest never imports it.
"""
import os
import time
from pathlib import Path

from teams.review import exports

GATE = os.environ.get("FAULT_GATE_DIR")

if GATE:
    _real_build = exports.build

    def gated_build(export, progress):
        progress(20)
        gate = Path(GATE)
        (gate / f"entered-{os.getpid()}").write_text(str(export.pk))
        while not (gate / "release").exists():  # in the worker: waits for the test, which polls with deadlines
            time.sleep(0.02)
        return _real_build(export, progress)

    exports.build = gated_build
