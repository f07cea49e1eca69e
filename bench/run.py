"""`make bench`: start each stack, load it, print the tables (docs/benchmarks.md explains them).

1. The machine.
2. SQL queries per main page at small and large data (a SQLite database of its own).
3. For each stack — (a) embedded: one daphne, in-memory layer, SQLite; (b) scaled out: two
   daphne processes, channels_redis on a private redis-server, PostgreSQL —
   - WebSocket fan-out for 50, 200, 500 clients on one team's socket: send → receipt latency
     at a modest rate (p50/p99/max), then saturation (messages/s persisted, frames/s delivered);
   - persist + broadcast throughput per daphne process (2 senders per daphne, no other clients: the
     server's own ceiling; on (b) also with one daphne);
   - a py-spy profile of a daphne process under the 200-client saturation load (if py-spy is there);
   - HTTP: requests/s and p99 of the board (500 cards), channel (5,000 messages), team review
     page and team directory under concurrent load (wrk).
Medians of --runs runs (default 3). Results also go to var/bench/results.json.

4. Full-text search on PostgreSQL at 200 teams, 100,000 messages, 20,000 cards (bench/search.py): the index
   build time, p50/p95 per search and the statements each sends.
5. The PAGE table (bench/pages.py, on (a)): every main page's requests/s, p50, p99 as a ratio to a bare Django
   view in the same daphne and run, and the bytes of the board page's first load; `pages` alone:
   make bench ARGS=pages.
6. The FANOUT table (bench/floors.py, on (a), after the fan-out table): the workspace's 200-client p50 and p99
   against a raw `websockets` broadcast server and a bare Channels app on daphne, the same load for all three
   in the same run; `fanout` alone: make bench ARGS=fanout.
Options: --sizes 50,200,500  --runs 3  --stacks embedded,scaled  --quick (sizes 50,200, 1 run)
         --no-queries  --no-http --no-search (leave out those tables); `search` alone (make bench ARGS=search):
         only the search benchmark
"""
import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import floors
import httpload
import pages
import search
import spy
import stack
from wsload import Fanout

PAGES = [("Board (500 cards)", "board"), ("Channel (5,000 messages)", "channel"), ("Team review", "review"),
         ("Team directory (41 teams)", "directory")]
HTTP_CONNECTIONS, HTTP_SECONDS = 4, 4
LATENCY_FRAMES_PER_S = 1000  # latency phase: total event frames/s offered = rate × clients (not saturated)


def table(title, header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = "  ".join("-" * w for w in widths)
    print(f"\n{title}\n{line}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    print(line)
    for row in rows:
        print("  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    sys.stdout.flush()


def med(runs, key):
    values = [r[key] for r in runs if r[key] == r[key]]  # drop NaN
    return statistics.median(values) if values else float("nan")


def query_counts():
    env = stack.base_env("embedded")
    env["SQLITE_PATH"] = str(stack.VAR / "queries.sqlite3")
    stack.reset_database("embedded", env)
    import subprocess

    out = subprocess.run([sys.executable, str(stack.ROOT / "bench" / "queries.py")], cwd=stack.ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


CEILING_WINDOW = 32  # posts in flight per sender socket: realtime.limits.MAX_IN_FLIGHT


def ceiling(env, info, ports, pids, runs, label, results):
    """The server's own ceiling: persist + broadcast with two senders per daphne and no other clients.

    Each sender keeps as many posts in flight as a socket may queue: fewer would measure the
    senders' round trips (throughput = posts in flight / latency), not the server."""
    senders = 2 * len(ports)
    stack.wait_idle(pids)
    seq = stack.latest_seq(env, info["slug"])
    fan = Fanout(ports, info["slug"], info["cookies"], info["cookie_name"], info["channel"], seq, senders,
                 senders=senders, processes=2)
    measured = []
    try:
        fan.phase("ceil-warm", 1, window=CEILING_WINDOW)
        for run in range(runs):
            # The daphne processes share 2 cores with PostgreSQL, Redis and the load generator: their
            # own CPU time per message says what one process given a whole core can do.
            cpu_before = sum(stack.cpu_seconds(pid) for pid in pids)
            result = fan.phase(f"ceil{run}", 3, window=CEILING_WINDOW)
            result["per_cpu_second"] = result["acked"] / max(1e-9, sum(stack.cpu_seconds(pid) for pid in pids)
                                                             - cpu_before)
            measured.append(result)
    finally:
        fan.close()
    row = {"stack": label, "daphne": len(ports), "senders": senders, "total": med(measured, "persisted_per_s"),
           "per_process": med(measured, "persisted_per_s") / len(ports),
           "per_cpu_second": med(measured, "per_cpu_second"), "p50": med(measured, "p50")}
    results.setdefault("ceiling", []).append(row)
    table(f"Persist + broadcast ceiling, {label} ({senders} senders with {CEILING_WINDOW} posts in flight each, "
          f"{len(ports)} daphne)",
          ["messages/s persisted (total)", "per daphne process", "per daphne CPU-second", "p50 ms under saturation"],
          [[f"{row['total']:.0f}", f"{row['per_process']:.0f}", f"{row['per_cpu_second']:.0f}", f"{row['p50']:.1f}"]])


def fanout(env, info, ports, pids, sizes, runs, label, results):
    processes = max(2, os.cpu_count() or 2)
    rows = []
    for size in sizes:
        if size > len(info["cookies"]):
            continue
        stack.wait_idle(pids)  # the previous clients' disconnects have been processed
        seq = stack.latest_seq(env, info["slug"])
        started = time.monotonic()
        fan = Fanout(ports, info["slug"], info["cookies"], info["cookie_name"], info["channel"], seq, size,
                     senders=2, processes=processes)
        connect_s = time.monotonic() - started
        try:
            rate = max(1, round(LATENCY_FRAMES_PER_S / size))
            fan.phase(f"warm{size}", 1, rate=rate)
            latency = [fan.phase(f"lat{size}r{run}", 3, rate=rate) for run in range(runs)]
            saturation = []
            for run in range(runs):
                profile = None
                if size == 200 and run == 0:
                    profile = spy.record(pids[0], 3, stack.VAR / f"spy-{label}.txt")
                saturation.append(fan.phase(f"thr{size}r{run}", 3, window=10))
                if profile is not None:
                    profile.wait(timeout=30)
                    results.setdefault("profile", {})[label] = spy.summarize(stack.VAR / f"spy-{label}.txt")
        finally:
            fan.close()
        lost = sum(r["expected"] - r["received"] for r in latency + saturation)
        errors = sorted({e for r in latency + saturation for e in r["errors"]})
        row = {"clients": size, "connect_s": connect_s, "rate": rate, "p50": med(latency, "p50"),
               "p99": med(latency, "p99"), "max": max(r["max"] for r in latency),
               "persisted_per_s": med(saturation, "persisted_per_s"),
               "delivered_per_s": med(saturation, "delivered_per_s"), "sat_p50": med(saturation, "p50"),
               "lost": lost, "errors": errors}
        rows.append(row)
        results.setdefault("fanout", {}).setdefault(label, []).append(row)
    table(f"WebSocket fan-out, {label} (median of {runs} runs; latency = send → each client's receipt)",
          ["clients", "connect s", "msgs/s offered", "p50 ms", "p99 ms", "max ms", "sat. msgs/s persisted",
           "sat. frames/s delivered", "sat. p50 ms", "missing", "errors"],
          [[r["clients"], f"{r['connect_s']:.1f}", r["rate"], f"{r['p50']:.1f}", f"{r['p99']:.1f}",
            f"{r['max']:.1f}", f"{r['persisted_per_s']:.0f}", f"{r['delivered_per_s']:.0f}",
            f"{r['sat_p50']:.0f}", r["lost"], ",".join(r["errors"]) or "-"] for r in rows])

    profile = results.get("profile", {}).get(label)
    if profile:
        table(f"Where a daphne process spends its time, {label}, 200 clients saturated "
              f"(py-spy, {profile['samples']} samples; inclusive share)",
              ["% samples", "function"], [[f"{p:.1f}", name] for p, name in profile["inclusive"]])
        table("Top self time", ["% samples", "frame"], [[f"{p:.1f}", name] for p, name in profile["self"]])
    elif not spy.py_spy():
        print("\n(py-spy not installed: `.venv/bin/pip install py-spy` for the profile table)")


def http(info, ports, pids, runs, label, results):
    cookie = f"{info['cookie_name']}={info['manager_cookie']}"
    rows = []
    for title, key in PAGES:
        path = info["paths"][key]
        stack.wait_idle(pids)
        measured = [httpload.load(ports, path, cookie, duration=HTTP_SECONDS, connections=HTTP_CONNECTIONS)
                    for _ in range(runs)]
        row = {"page": title, "path": path, "rps": med(measured, "rps"), "p99": med(measured, "p99"),
               "bad": sum(m["bad"] for m in measured), "tool": measured[0]["tool"]}
        rows.append(row)
    results.setdefault("http", {})[label] = rows
    table(f"HTTP, {label} ({rows[0]['tool']}, {HTTP_CONNECTIONS} keep-alive connections per daphne, {HTTP_SECONDS} s, "
          f"median of {runs})",
          ["page", "requests/s", "p99 ms", "non-200"],
          [[r["page"], f"{r['rps']:.0f}", f"{r['p99']:.0f}", r["bad"]] for r in rows])


def page_table(info, ports, pids, runs, results):
    """Issue 18's PAGE table and the board's BYTES line (bench/pages.py), on one daphne."""
    measured = pages.measure(info, ports[:1], runs, lambda: stack.wait_idle(pids))
    results["pages"] = measured
    table(f"PAGE table: one daphne, {pages.CONNECTIONS} keep-alive connections "
          f"({'wrk' if httpload.wrk() else 'bench/httpload.py'}), {pages.SECONDS} s, "
          f"median of {runs} runs; ratio = page req/s ÷ bare view req/s in the same run; "
          f"target: ratio and p99 < {pages.P99_TARGET_MS} ms", pages.HEADER, pages.rows(measured))
    parts = pages.board_bytes(info, ports[0])
    results["board_bytes"] = parts
    table("Board page, first load: each response (wire = as sent with Accept-Encoding: gzip; gzip = gzipped, "
          "level 6, where it was sent plain)", ["url", "wire bytes", "gzip bytes", "Cache-Control"],
          [[url, wire, zipped, cache or "-"] for url, wire, zipped, cache in parts])
    print(f"BYTES board first load: {sum(p[1] for p in parts) / 1024:.1f} KB on the wire, "
          f"{sum(p[2] for p in parts) / 1024:.1f} KB compressed (target <= 150 KB compressed)", flush=True)


def floor_table(env, info, ports, pids, runs, results):
    floors.compare(env, info, ports, pids, runs, max(1, round(LATENCY_FRAMES_PER_S / floors.CLIENTS)), results,
                   table)


def run_stack(mode, sizes, runs, results, with_http=True, only=None):
    label = "(a) embedded: 1 daphne, in-memory layer, SQLite" if mode == "embedded" else \
        "(b) scaled out: 2 daphne, channels_redis, PostgreSQL"
    print(f"\n=== {label} ===", flush=True)
    redis_ctx = stack.private_redis() if mode == "scaled" else None
    redis_url = redis_ctx.__enter__() if redis_ctx else None
    try:
        if mode == "scaled" and (not stack.ensure_postgres() or not redis_url):
            print("NOT RUN: PostgreSQL (127.0.0.1:5432) or redis-server is not available.")
            results.setdefault("not_run", []).append(label)
            return
        env = stack.base_env(mode, redis_url)
        started = time.monotonic()
        stack.reset_database(mode, env)
        info = stack.seed(env, members=max(sizes), cards=500, messages=5000, teams=40, notes=5)
        print(f"seeded in {time.monotonic() - started:.0f}s: {max(sizes)} members, 500 cards, 5,000 messages, "
              "41 teams", flush=True)
        if only:
            with stack.daphnes(env, 1) as (ports, pids):
                if only == "pages":
                    page_table(info, ports, pids, runs, results)
                else:
                    floor_table(env, info, ports, pids, runs, results)
            return
        if mode == "scaled":
            # One process on the same stack: what a daphne does when it has no sibling on these 2 cores.
            with stack.daphnes(env, 1) as (ports, pids):
                ceiling(env, info, ports, pids, runs, "(b) with 1 daphne", results)
        with stack.daphnes(env, 2 if mode == "scaled" else 1) as (ports, pids):
            ceiling(env, info, ports, pids, runs, label, results)
            fanout(env, info, ports, pids, sizes, runs, label, results)
            if mode == "embedded" and max(sizes) >= floors.CLIENTS:
                floor_table(env, info, ports, pids, runs, results)
            if with_http:
                http(info, ports, pids, runs, label, results)
                if mode == "embedded":
                    page_table(info, ports, pids, runs, results)
    finally:
        if redis_ctx:
            redis_ctx.__exit__(None, None, None)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,200,500")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stacks", default="embedded,scaled")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-queries", action="store_true")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("only", nargs="?", choices=["search", "pages", "fanout"], help="run only this benchmark")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    runs = args.runs
    if args.quick:
        sizes, runs = [50, 200], 1
    started = time.monotonic()
    results = {"machine": stack.machine(), "sizes": sizes, "runs": runs}
    print(f"Machine: {results['machine']}")
    print(f"Load generator: {max(2, os.cpu_count() or 2)} client processes (asyncio + websockets) share the "
          "cores with the servers, PostgreSQL and Redis.", flush=True)
    if args.only == "search":
        search.run(results)
        (stack.VAR / "results-search.json").write_text(json.dumps(results, indent=1, default=str))
        return
    if args.only in ("pages", "fanout"):
        # The PAGE or the FANOUT table alone (make bench ARGS=pages): the embedded stack, one daphne (--stacks
        # scaled for (b)), in the same world as the full run.
        mode = "scaled" if args.stacks == "scaled" else "embedded"
        run_stack(mode, [floors.CLIENTS] if args.only == "fanout" else [max(sizes)], runs, results, only=args.only)
        (stack.VAR / f"results-{args.only}.json").write_text(json.dumps(results, indent=1, default=str))
        return
    if not args.no_queries:
        queries = query_counts()
        results["queries"] = queries
        table(f"SQL queries per page (small: {queries['sizes']['small']}; large: {queries['sizes']['large']})",
              ["page", "viewer", "small", "large"], queries["rows"])
    for mode in args.stacks.split(","):
        run_stack(mode, sizes, runs, results, with_http=not args.no_http)
    if not args.no_search:
        search.run(results)
    results["seconds"] = round(time.monotonic() - started)
    (stack.VAR / "results.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"\nMachine: {results['machine']}. Done in {results['seconds']}s; results in var/bench/results.json.")


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    main()
