"""WebSocket fan-out load generator: N clients on one team's page socket, a few senders.

The parent (`fanout`) starts P client processes (multiprocessing, "spawn"); each opens its
share of the N sockets (`/ws/teams/<slug>/`, session cookie + Origin header, spread over
the daphne ports), resumes after the team's latest seq and then, phase by phase, either
sends (the designated sender sockets) or only reads. Every socket records, for each
"message.posted" event it receives, the time from the sender's `send()` to this receipt:
the body carries the send time (time.monotonic_ns(), system-wide on Linux, so the clocks
of all client processes agree).

Phases:
- "latency": the senders post at a fixed, modest total rate (the system is not saturated):
  p50 / p99 / max of send → receipt over every (message, client) pair.
- "throughput": each sender keeps a window of un-acknowledged posts open for D seconds:
  messages/second persisted (acks) and event frames/second delivered to all clients.
"""
import asyncio
import json
import multiprocessing
import os
import statistics
import time

MARK = '"body":"bench|'


def _percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


class Client:
    def __init__(self, ws, sender):
        self.ws = ws
        self.sender = sender
        self.latencies = []  # ms, for the current phase
        self.received = 0
        self.last_receipt = 0
        self.frames = 0
        self.last_frame = time.monotonic()
        self.acks = {}  # request id → ack time
        self.errors = []
        self.phase = ""
        self.ack_event = asyncio.Event()

    async def read(self):
        try:
            async for text in self.ws:
                now = time.monotonic_ns()
                self.frames += 1
                self.last_frame = time.monotonic()
                at = text.find(MARK)
                if at >= 0 and '"event":"message.posted"' in text:
                    # body: bench|<phase>|<sender>|<n>|<t_send_ns>
                    end = text.index('"', at + len(MARK))
                    phase, _sender, _n, sent = text[at + len(MARK):end].split("|")
                    if phase == self.phase:
                        self.latencies.append((now - int(sent)) / 1e6)
                        self.received += 1
                        self.last_receipt = now
                elif self.sender and (text.startswith('{"type":"ack"') or text.startswith('{"type":"error"')):
                    frame = json.loads(text)
                    if frame["type"] == "ack":
                        self.acks[frame["id"]] = now
                    else:
                        self.errors.append(frame.get("code"))
                        self.acks[frame.get("id")] = None
                    self.ack_event.set()
        except Exception:  # closed: reported through the counts
            pass


async def _open(url, cookie, cookie_name, seq, sender):
    from websockets.asyncio.client import connect

    ws = await connect(url, origin="http://127.0.0.1", additional_headers={"Cookie": f"{cookie_name}={cookie}"},
                       compression=None, ping_interval=None, max_size=2**22, max_queue=None, open_timeout=60)
    await ws.send(json.dumps({"type": "resume", "after": seq}))
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] == "resumed":
            break
    client = Client(ws, sender)
    client.task = asyncio.ensure_future(client.read())
    return client


async def _quiet(clients, seconds=1.0, deadline=60):
    """Wait until no client received a frame for `seconds` (presence storms of the ramp are over)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if time.monotonic() - max(c.last_frame for c in clients) >= seconds:
            return
        await asyncio.sleep(0.1)


async def _send_loop(client, phase, channel, duration, rate, window, tag):
    """Post for `duration` s: at `rate`/s (latency) or with `window` posts outstanding (throughput)."""
    sent, n = [], 0
    stop = time.monotonic() + duration
    interval = 1 / rate if rate else 0
    next_at = time.monotonic()
    while time.monotonic() < stop:
        if rate:
            delay = next_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at += interval
        else:
            while n - len(client.acks) >= window:
                client.ack_event.clear()
                try:
                    await asyncio.wait_for(client.ack_event.wait(), 5)
                except TimeoutError:
                    break
        request_id = f"{tag}-{n}"
        body = f"bench|{phase}|{tag}|{n}|{time.monotonic_ns()}"
        await client.ws.send(json.dumps({"type": "message.post", "id": request_id, "channel": channel,
                                         "body": body}))
        sent.append(time.monotonic_ns())
        n += 1
    return sent


async def _worker(conn, spec):
    clients = []
    sem = asyncio.Semaphore(10)  # handshakes in flight per client process

    async def one(url, cookie, sender):
        async with sem:
            for attempt in range(8):
                try:
                    return await _open(url, cookie, spec["cookie_name"], spec["seq"], sender)
                except Exception:
                    if attempt == 7:
                        raise
                    await asyncio.sleep(0.5 * (attempt + 1))

    clients = await asyncio.gather(*(one(url, cookie, sender) for url, cookie, sender in spec["sockets"]))
    await _quiet(clients)
    conn.send(("ready", len(clients)))
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command[0] == "stop":
            break
        if command[0] == "quiet":
            await _quiet(clients, command[1])
            conn.send(("quiet",))
            continue
        _kind, phase, duration, rate, window, drain = command
        for client in clients:
            client.phase, client.latencies, client.received, client.acks, client.errors = phase, [], 0, {}, []
        senders = [c for c in clients if c.sender]
        conn.send(("armed",))
        conn.recv()  # go
        started = time.monotonic_ns()
        sent = await asyncio.gather(*(_send_loop(c, phase, spec["channel"], duration, rate, window,
                                                 f"{os.getpid()}.{i}") for i, c in enumerate(senders)))
        # Drain: until every sender has its acks and no event arrived for `drain` seconds.
        end = time.monotonic() + 30
        while time.monotonic() < end:
            acked = all(len(c.acks) >= len(s) for c, s in zip(senders, sent))
            if acked and time.monotonic() - max(c.last_frame for c in clients) >= drain:
                break
            await asyncio.sleep(0.05)
        ack_times = [t for c in senders for t in c.acks.values() if t]
        conn.send(("result", {
            "started": started, "sent": sum(len(s) for s in sent),
            "acked": len(ack_times), "last_ack": max(ack_times, default=started),
            "errors": [e for c in senders for e in c.errors],
            "received": sum(c.received for c in clients),
            "last_receipt": max((c.last_receipt for c in clients), default=started),
            "latencies": [x for c in clients for x in c.latencies],
            "open": sum(1 for c in clients if not c.task.done()),
        }))
    for client in clients:
        await client.ws.close()


def _process_main(conn, spec):
    try:
        asyncio.run(_worker(conn, spec))
    except Exception as exc:  # tell the parent instead of hanging it
        conn.send(("failed", repr(exc)))


class Fanout:
    """N sockets over `processes` client processes; run phases; close."""

    def __init__(self, ports, slug, cookies, cookie_name, channel, seq, clients, senders=2, processes=2):
        ctx = multiprocessing.get_context("spawn")
        self.clients, self.senders = clients, senders
        specs = [{"sockets": [], "cookie_name": cookie_name, "seq": seq, "channel": channel}
                 for _ in range(processes)]
        for i in range(clients):
            port = ports[i % len(ports)]
            specs[i % processes]["sockets"].append((f"ws://127.0.0.1:{port}/ws/teams/{slug}/", cookies[i],
                                                    i < senders))
        self.pipes, self.procs = [], []
        for spec in specs:
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_process_main, args=(child, spec), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
        for pipe in self.pipes:
            self._expect(pipe, "ready", timeout=180)

    def _expect(self, pipe, kind, timeout=120):
        if not pipe.poll(timeout):
            raise RuntimeError(f"client process did not answer ({kind})")
        message = pipe.recv()
        if message[0] == "failed":
            raise RuntimeError(f"client process failed: {message[1]}")
        if message[0] != kind:
            raise RuntimeError(f"expected {kind}, got {message[0]}")
        return message

    def quiet(self, seconds=1.0):
        for pipe in self.pipes:
            pipe.send(("quiet", seconds))
        for pipe in self.pipes:
            self._expect(pipe, "quiet")

    def phase(self, name, duration, rate=0, window=0, drain=1.0):
        """rate: total messages/second over all senders (latency phase); window: outstanding per sender."""
        per_sender = rate / self.senders if rate else 0
        for pipe in self.pipes:
            pipe.send(("phase", name, duration, per_sender, window, drain))
        for pipe in self.pipes:
            self._expect(pipe, "armed")
        for pipe in self.pipes:
            pipe.send(("go",))
        results = [self._expect(pipe, "result", timeout=duration + 90)[1] for pipe in self.pipes]
        started = min(r["started"] for r in results)
        latencies = sorted(x for r in results for x in r["latencies"])
        acked = sum(r["acked"] for r in results)
        received = sum(r["received"] for r in results)
        last_ack = max(r["last_ack"] for r in results)
        last_receipt = max(r["last_receipt"] for r in results)
        return {
            "clients": self.clients, "sent": sum(r["sent"] for r in results), "acked": acked,
            "errors": sorted({e for r in results for e in r["errors"]}),
            "received": received, "expected": acked * self.clients,
            "p50": _percentile(latencies, 0.50), "p99": _percentile(latencies, 0.99),
            "max": latencies[-1] if latencies else float("nan"),
            "mean": statistics.fmean(latencies) if latencies else float("nan"),
            "persisted_per_s": acked / max(1e-9, (last_ack - started) / 1e9),
            "delivered_per_s": received / max(1e-9, (last_receipt - started) / 1e9),
            "open": sum(r["open"] for r in results),
        }

    def close(self):
        for pipe in self.pipes:
            try:
                pipe.send(("stop",))
            except OSError:
                pass
        for proc in self.procs:
            proc.join(timeout=20)
            if proc.is_alive():
                proc.terminate()
