"""`make test`: every suite, on the embedded stack and on the scaled-out one, at the same time.

1. The whole suite on SQLite with the in-memory channel layer (unit, consumers, a live
   daphne, the browser tests).
2. The whole suite again on PostgreSQL with Redis (channels_redis, a real Celery worker,
   two daphne processes), minus the browser tests already run in 1.

The two run side by side, one process each (CI's machine has two cores). They share nothing: each
pytest process has its own TEST_RUN_ID (its pid: test database, Redis key and channel prefixes, Celery
queue), its servers take free ports, each suite gets a var/ directory of its own (VAR_DIR: media, mail
files, the filesystem Celery queue), and neither writes the pytest cache (each would overwrite the other's
list of failures). Every line a suite prints is prefixed with its name; its summary is printed again once
both have ended. A failure in either fails `make test`.

PostgreSQL and Redis are started when installed but down. Where one cannot be had the
suite that needs it is reported as NOT RUN; under CI that is a failure.
"""
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from stack import answers  # noqa: E402  (the benchmark's stack probes ports the same way)

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgres://root@127.0.0.1:5432/root")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SUMMARY_LINES = 40  # the tail of a suite's output printed again at the end: failures, short summary, counts


def start_services():
    if not answers(5432) and shutil.which("pg_ctlcluster") and os.path.isdir("/etc/postgresql"):
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False)
    if not answers(6379) and shutil.which("redis-server"):
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
                        "--save", "", "--appendonly", "no"], check=False)
    return answers(5432), answers(6379)


class Suite:
    """One pytest process; its output goes to var/<name>.log and, line by line and prefixed, to stdout."""

    lock = threading.Lock()  # one whole line at a time on stdout

    def __init__(self, name, label, env, *args):
        self.name, self.label = name, label
        var = ROOT / "var" / f"suite-{name}"
        var.mkdir(parents=True, exist_ok=True)
        self.log_path = ROOT / "var" / f"suite-{name}.log"
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pytest", "--color=no", "-p", "no:cacheprovider", *args], cwd=ROOT,
            env={**env, "VAR_DIR": str(var)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            bufsize=1)
        self.tail = []
        self.reader = threading.Thread(target=self.relay, daemon=True)
        self.reader.start()
        self.say(f"=== {label}: started (pid {self.process.pid}, full output in {self.log_path.relative_to(ROOT)})")

    def say(self, line):
        with self.lock:
            print(f"[{self.name}] {line}", flush=True)

    def relay(self):
        with open(self.log_path, "w") as log:
            for line in self.process.stdout:
                log.write(line)
                log.flush()
                self.tail = [*self.tail[-SUMMARY_LINES + 1:], line.rstrip("\n")]
                self.say(line.rstrip("\n"))

    def wait(self):
        code = self.process.wait()
        self.reader.join()
        self.seconds = time.monotonic() - self.started
        return code


def main(paths):
    """`paths`: pytest arguments for both suites (tests/run_suites.py tests/test_x.py: one module on both engines)."""
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "VAR_DIR")}
    failures = []
    pg, redis = start_services()
    suites = [Suite("sqlite", "suite on SQLite, in-memory channel layer", base, "-m", "not integration", *paths)]
    if pg and redis:
        env = dict(base, DATABASE_URL=PG_URL, REDIS_URL=REDIS_URL)
        suites.append(Suite("postgres", "suite on PostgreSQL + Redis (scaled out)", env, "-m", "not browser", *paths))
    else:
        missing = ", ".join(name for name, ok in (("PostgreSQL", pg), ("Redis", redis)) if not ok)
        print(f"\nNOT RUN: the PostgreSQL + Redis suite ({missing} not reachable on 127.0.0.1).", flush=True)
        if IN_CI:
            failures.append("PostgreSQL + Redis suite (services missing)")
    codes = {suite.name: suite.wait() for suite in suites}
    for suite in suites:
        print(f"\n=== {suite.label}: exit {codes[suite.name]} after {suite.seconds:.0f} s ===", flush=True)
        print("\n".join(suite.tail), flush=True)
        if codes[suite.name] != 0:
            failures.append(f"{suite.label} (var/suite-{suite.name}.log)")
    if failures:
        print(f"\nFAILED: {', '.join(failures)}")
        return 1
    print("\nAll suites passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
