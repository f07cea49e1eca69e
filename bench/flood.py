"""A flood from one client must not slow the others (issue 6, WebSocket hardening).

Starts the embedded stack (one daphne, in-memory layer, SQLite) with the product's real
per-connection rate limit (WS_RATE_PER_SECOND 10, burst 30), 50 listening clients and 2
senders posting 10 messages/s in total, and measures send → receipt latency for every
(message, client) pair: first without a flood, then while one more member's socket sends
`message.post` frames (--frames, 5,000) as fast as it can (beyond the limit they are answered with
`rate_limited` errors, and after WS_FLOOD_CLOSE_AFTER refusals in a row the socket is closed
with 4429). Prints p50/p99/max with and without the flood (medians of --runs runs)
and how many frames the flooder sent and how they were answered.

    .venv/bin/python bench/flood.py [--clients 50] [--runs 3] [--seconds 4]
"""
import argparse
import asyncio
import json
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack  # noqa: E402
from wsload import Fanout  # noqa: E402

RATE = 10  # legitimate posts per second over both senders (5 each: within the 10/s limit)


async def _flood(port, slug, cookie, cookie_name, channel, seq, seconds, frames, conn):
    from websockets.asyncio.client import connect

    ws = await connect(f"ws://127.0.0.1:{port}/ws/teams/{slug}/", origin="http://127.0.0.1",
                       additional_headers={"Cookie": f"{cookie_name}={cookie}"}, compression=None,
                       ping_interval=None, max_size=2**22, max_queue=None)
    await ws.send(json.dumps({"type": "resume", "after": seq}))
    while json.loads(await ws.recv())["type"] != "resumed":
        pass
    counts = {}

    async def read():
        async for text in ws:
            frame = json.loads(text)
            key = frame.get("code") if frame["type"] == "error" else frame["type"]
            counts[key] = counts.get(key, 0) + 1

    reader = asyncio.ensure_future(read())
    conn.send(("ready",))
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # go
    from websockets.exceptions import ConnectionClosed

    sent, stop = 0, time.monotonic() + seconds
    try:
        while time.monotonic() < stop and sent < frames:
            for _ in range(100):  # as fast as the socket takes them
                await ws.send(json.dumps({"type": "message.post", "id": f"flood{sent}", "channel": channel,
                                          "body": f"flood {sent}"}))
                sent += 1
            await asyncio.sleep(0)
    except ConnectionClosed:
        pass  # the server closed the flooding socket (4429)
    end = time.monotonic() + 30
    while (not reader.done() and sum(counts.get(k, 0) for k in ("ack", "rate_limited", "invalid")) < sent
           and time.monotonic() < end):
        await asyncio.sleep(0.05)
    reader.cancel()
    await ws.close()
    conn.send(("done", {"sent": sent, "replies": counts, "close_code": ws.close_code}))


def _flood_main(conn, *args):
    asyncio.run(_flood(*args, conn))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--frames", type=int, default=5000, help="frames the flooder sends, as fast as it can")
    args = parser.parse_args()
    print(stack.machine())
    env = stack.base_env("embedded")
    env.update(SQLITE_PATH=str(stack.VAR / "flood.sqlite3"), WS_RATE_PER_SECOND="10", WS_RATE_BURST="30")
    stack.reset_database("embedded", env)
    info = stack.seed(env, members=args.clients + 1, cards=20, messages=100, teams=2, notes=1)
    flooder_cookie = info["cookies"][args.clients]
    ctx = multiprocessing.get_context("spawn")
    results = {"quiet": [], "flood": [], "flooder": []}
    with stack.daphnes(env, 1) as (ports, pids):
        stack.wait_idle(pids)
        fan = Fanout(ports, info["slug"], info["cookies"][:args.clients], info["cookie_name"], info["channel"],
                     stack.latest_seq(env, info["slug"]), args.clients, senders=2, processes=2)
        try:
            fan.phase("warm", 1, rate=RATE)
            for run in range(args.runs):
                results["quiet"].append(fan.phase(f"quiet{run}", args.seconds, rate=RATE))
                parent, child = ctx.Pipe()
                proc = ctx.Process(target=_flood_main, daemon=True,
                                   args=(child, ports[0], info["slug"], flooder_cookie, info["cookie_name"],
                                         info["channel"], stack.latest_seq(env, info["slug"]), args.seconds + 1,
                                         args.frames))
                proc.start()
                assert parent.poll(60) and parent.recv()[0] == "ready"
                parent.send(("go",))
                results["flood"].append(fan.phase(f"flood{run}", args.seconds, rate=RATE))
                assert parent.poll(90)
                results["flooder"].append(parent.recv()[1])
                proc.join(10)
                stack.wait_idle(pids)
        finally:
            fan.close()

    def med(rows, key):
        return statistics.median(r[key] for r in rows)

    print(f"\nOne flooding client vs {args.clients} clients and 2 senders at {RATE} msgs/s "
          f"(rate limit 10 frames/s, burst 30; medians of {args.runs} runs of {args.seconds:.0f} s)")
    print("| phase | p50 ms | p99 ms | max ms | missing |")
    print("|---|---:|---:|---:|---:|")
    for name in ("quiet", "flood"):
        rows = results[name]
        lost = sum(r["expected"] - r["received"] for r in rows)
        print(f"| {'without flood' if name == 'quiet' else 'with flood'} | {med(rows, 'p50'):.1f} | "
              f"{med(rows, 'p99'):.1f} | {max(r['max'] for r in rows):.1f} | {lost} |")
    for i, flood in enumerate(results["flooder"]):
        print(f"flooder run {i}: {flood['sent']} frames sent, answers {flood['replies']}, "
              f"closed with {flood['close_code']}")
    (stack.VAR / "flood.json").write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
