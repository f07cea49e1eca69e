"""`make test`: every suite, on the embedded stack and on the scaled-out one.

1. The whole suite on SQLite with the in-memory channel layer (unit, consumers, a live
   daphne, the browser tests).
2. The whole suite again on PostgreSQL with Redis (channels_redis, a real Celery worker,
   two daphne processes), minus the browser tests already run in 1.

PostgreSQL and Redis are started when installed but down. Where one cannot be had the
suite that needs it is reported as NOT RUN; under CI that is a failure.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from stack import answers  # noqa: E402  (the benchmark's stack probes ports the same way)

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgres://root@127.0.0.1:5432/root")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def start_services():
    if not answers(5432) and shutil.which("pg_ctlcluster") and os.path.isdir("/etc/postgresql"):
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False)
    if not answers(6379) and shutil.which("redis-server"):
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
                        "--save", "", "--appendonly", "no"], check=False)
    return answers(5432), answers(6379)


def pytest(label, env, *args):
    print(f"\n=== {label} ===", flush=True)
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env).returncode


def main():
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    failures = []
    if pytest("suite on SQLite, in-memory channel layer", base, "-m", "not integration") != 0:
        failures.append("SQLite suite")
    pg, redis = start_services()
    if pg and redis:
        env = dict(base, DATABASE_URL=PG_URL, REDIS_URL=REDIS_URL)
        if pytest("suite on PostgreSQL + Redis (scaled out)", env, "-m", "not browser") != 0:
            failures.append("PostgreSQL + Redis suite")
    else:
        missing = ", ".join(name for name, ok in (("PostgreSQL", pg), ("Redis", redis)) if not ok)
        print(f"\nNOT RUN: the PostgreSQL + Redis suite ({missing} not reachable on 127.0.0.1).", flush=True)
        if IN_CI:
            failures.append("PostgreSQL + Redis suite (services missing)")
    if failures:
        print(f"\nFAILED: {', '.join(failures)}")
        return 1
    print("\nAll suites passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
