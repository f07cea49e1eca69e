"""Start the product the way it runs for real, for benchmarks: embedded (SQLite, one daphne,
in-memory layer) or scaled out (PostgreSQL, Redis, several daphne processes).

PostgreSQL: the machine's server on 127.0.0.1:5432 (started with pg_ctlcluster when it is
installed but down, as tests/run_suites.py does), in a database of its own (bench_workspace).
Redis: a private redis-server on a free port, started and stopped here, so the benchmark
never touches the shared Redis (or its data) on 6379.
"""
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VAR = ROOT / "var" / "bench"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://root@127.0.0.1:5432")
PG_DB = "bench_workspace"


def machine():
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor())
    return f"{os.cpu_count()} cores ({model}), {mem_kb / 1024 / 1024:.1f} GiB RAM, Python {platform.python_version()}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        if answers(port):
            return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open")


def ensure_postgres():
    """True when PostgreSQL answers on 5432 (started if installed and down)."""
    if not answers(5432) and shutil.which("pg_ctlcluster") and os.path.isdir("/etc/postgresql"):
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not answers(5432):
            time.sleep(0.2)
    return answers(5432)


@contextmanager
def private_redis():
    """A redis-server of our own on a free port (yields its URL), or None if redis-server is missing."""
    if not shutil.which("redis-server"):
        yield None
        return
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--daemonize", "no"], stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def base_env(mode, redis_url=None):
    VAR.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "PYTEST_VERSION", "TEST_RUN_ID")}
    # The product's settings with one bench-only URL, the bare view of the PAGE table (bench/bench_settings.py).
    env.update(DJANGO_SETTINGS_MODULE="bench.bench_settings", PYTHONPATH=str(ROOT), VAR_DIR=str(VAR),
               # Benchmarks measure the server, not the abuse limits.
               WS_RATE_PER_SECOND="100000", WS_RATE_BURST="100000", DISCUSSION_POST_RATE="1000000,60",
               WS_IDLE_SECONDS="3600",  # listeners send nothing for minutes; the product closes them at 120 s
               LOG_LEVEL="ERROR")  # database connections as the product's defaults (settings.DATABASES)
    if mode == "scaled":
        env.update(DATABASE_URL=f"{PG_ADMIN_URL}/{PG_DB}", REDIS_URL=redis_url)
    else:
        env.update(SQLITE_PATH=str(VAR / "bench.sqlite3"))
    return env


def reset_database(mode, env):
    if mode == "scaled":
        import psycopg

        with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(env["SQLITE_PATH"] + suffix).unlink(missing_ok=True)
    subprocess.run([str(BIN / "python"), "manage.py", "migrate", "-v0", "--noinput"], cwd=ROOT, env=env, check=True)
    # Hashed, compressed static files, as in production (settings.STATIC_MANIFEST).
    subprocess.run([str(BIN / "python"), "manage.py", "collectstatic", "-v0", "--noinput"], cwd=ROOT, env=env,
                   check=True)


def seed(env, **params):
    """Create people, a team and data inside the stack's database; returns what the clients need."""
    out = subprocess.run([str(BIN / "python"), str(ROOT / "bench" / "seed.py"), json.dumps(params)], cwd=ROOT,
                         env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def latest_seq(env, slug):
    """The team's last event seq, read straight from the stack's database (clients resume after it)."""
    sql = "SELECT last_seq FROM teams_team WHERE slug = %s"
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return conn.execute(sql, (slug,)).fetchone()[0]
    with sqlite3.connect(env["SQLITE_PATH"]) as conn:
        return conn.execute(sql.replace("%s", "?"), (slug,)).fetchone()[0]


@contextmanager
def daphnes(env, count):
    """`count` daphne processes on free ports; yields (ports, pids)."""
    processes, ports = [], []
    try:
        for _ in range(count):
            port = free_port()
            log = open(VAR / f"daphne-{port}.log", "w")
            process = subprocess.Popen([sys.executable, "-m", "realtime.server", "-b", "127.0.0.1",
                                        "-p", str(port),
                                        # a loaded server may take more than daphne's default 5 s to accept
                                        "--websocket_connect_timeout", "30", "workspace.asgi:application"],
                                       cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            processes.append(process)
            wait_for_port(port, process)
            ports.append(port)
        yield ports, [p.pid for p in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pids, busy=0.05, window=0.5, deadline=60):
    """Poll until the servers use less than `busy` of a core over `window` s (the last load has drained)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        before = sum(cpu_seconds(pid) for pid in pids)
        time.sleep(window)
        if sum(cpu_seconds(pid) for pid in pids) - before < busy * window * len(pids):
            return True
    return False
