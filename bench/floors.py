"""The FANOUT table (issue 18): the workspace's live path against a raw `websockets` server
(bench/rawws.py) and a bare Channels app on daphne (bench/barechannels.py), in the same run.

Each run loads the three servers back to back — the order rotates from run to run, so none always
goes first or last — with the same load generator (bench/wsload.py: the same 200 clients in 2
processes, 2 senders, the same offered rate as the fan-out table's latency phase), after each server
has gone idle. A server gets fresh connections every run (the workspace's: real members with
their sessions, resuming after the team's latest seq). Medians of the runs' p50 and p99; the
workspace's ratio to each floor is computed from those medians.
"""
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager

import stack
from wsload import Fanout

CLIENTS = 200
WARM_SECONDS, SECONDS = 1, 3
SERVERS = ["workspace", "bare Channels", "raw websockets"]


@contextmanager
def server(kind):
    """Start a floor server on a free port; yields (port, pid)."""
    port = stack.free_port()
    env = {k: v for k, v in stack.base_env("embedded").items() if k != "DJANGO_SETTINGS_MODULE"}
    if kind == "raw websockets":
        command = [sys.executable, str(stack.ROOT / "bench" / "rawws.py"), str(port)]
    else:
        command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                   "--websocket_connect_timeout", "30", "bench.barechannels:application"]
    log = open(stack.VAR / f"floor-{port}.log", "w")
    process = subprocess.Popen(command, cwd=stack.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        stack.wait_for_port(port, process)
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def measure(targets, env, info, run, rate):
    """One latency phase on `targets[kind] = (port, pid)`; returns the phase's result."""
    results = {}
    order = SERVERS[run % 3:] + SERVERS[:run % 3]
    for kind in order:
        port, pid = targets[kind]
        stack.wait_idle([pid])
        seq = stack.latest_seq(env, info["slug"]) if kind == "workspace" else 0
        fan = Fanout([port], info["slug"], info["cookies"], info["cookie_name"], info["channel"], seq, CLIENTS,
                     senders=2, processes=2)
        try:
            fan.phase(f"fw{run}", WARM_SECONDS, rate=rate)
            cpu = stack.cpu_seconds(pid)
            results[kind] = fan.phase(f"fl{run}", SECONDS, rate=rate)
            # The server's CPU per delivered frame: the cost of its fan-out, less sensitive to the noise.
            results[kind]["cpu_us"] = (stack.cpu_seconds(pid) - cpu) * 1e6 / max(1, results[kind]["received"])
        finally:
            fan.close()
    return results


def compare(env, info, ports, pids, runs, rate, results, table):
    """Run the three servers `runs` times; print and store the FANOUT table."""
    started = time.monotonic()
    with server("bare Channels") as bare, server("raw websockets") as raw:
        targets = {"workspace": (ports[0], pids[0]), "bare Channels": bare, "raw websockets": raw}
        measured = [measure(targets, env, info, run, rate) for run in range(runs)]
    rows = []
    for kind in SERVERS:
        each = [m[kind] for m in measured]
        rows.append({"server": kind, "p50": statistics.median(r["p50"] for r in each),
                     "p99": statistics.median(r["p99"] for r in each),
                     "p99_runs": [round(r["p99"], 1) for r in each],
                     "cpu_us": statistics.median(r["cpu_us"] for r in each),
                     "missing": sum(r["expected"] - r["received"] for r in each),
                     "errors": sorted({e for r in each for e in r["errors"]})})
    workspace = rows[0]
    for row in rows:
        row["ratio_p50"], row["ratio_p99"] = workspace["p50"] / row["p50"], workspace["p99"] / row["p99"]
    results["floors"] = {"clients": CLIENTS, "rate": rate, "runs": runs, "rows": rows,
                         "seconds": round(time.monotonic() - started)}
    table(f"FANOUT: {CLIENTS} clients, {rate} msgs/s offered to each server ({rate * CLIENTS} frames/s), "
          f"{SECONDS} s, median of {runs} runs in the same run, order rotated; ratio = workspace ÷ server",
          ["server", "p50 ms", "p99 ms", "p99 of each run", "workspace p50 ×", "workspace p99 ×",
           "server CPU µs/frame", "missing", "errors"],
          [[r["server"], f"{r['p50']:.1f}", f"{r['p99']:.1f}", " / ".join(str(x) for x in r["p99_runs"]),
            f"{r['ratio_p50']:.1f}", f"{r['ratio_p99']:.1f}", f"{r['cpu_us']:.0f}", r["missing"],
            ",".join(r["errors"]) or "-"]
           for r in rows])
    raw = rows[2]
    print(f"FANOUT workspace at {CLIENTS} clients: p50 {workspace['p50']:.1f} ms = {raw['ratio_p50']:.1f}× raw, "
          f"{rows[1]['ratio_p50']:.2f}× bare Channels; p99 {workspace['p99']:.1f} ms = {raw['ratio_p99']:.1f}× raw "
          f"(target <= 3×), {rows[1]['ratio_p99']:.2f}× bare Channels", flush=True)
