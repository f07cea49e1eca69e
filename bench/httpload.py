"""HTTP load on loopback: requests/second and p99 of a page, logged in by session cookie.

wrk when it is installed (`apt-get install -y wrk` is tried once when it is missing and we
may install), otherwise a Python load generator in separate processes (keep-alive
http.client connections). With several daphne processes, one generator per process runs at
the same time: requests/second add up, p99 is the worst of them.
"""
import http.client
import multiprocessing
import os
import re
import shutil
import subprocess
import time

_install_tried = False
ACCEPT_ENCODING = "gzip"  # as every browser asks: pages are measured with their compression (GZipMiddleware)


def wrk():
    global _install_tried
    if shutil.which("wrk") or _install_tried:
        return shutil.which("wrk")
    _install_tried = True
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        subprocess.run([apt, "install", "-y", "-qq", "wrk"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
    return shutil.which("wrk")


def check(port, path, cookie):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def _run_wrk(port, path, cookie, duration, connections):
    out = subprocess.run([wrk(), "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency",
                          "-H", f"Cookie: {cookie}", "-H", f"Accept-Encoding: {ACCEPT_ENCODING}",
                          f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50": p50, "p99": p99, "bad": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(0)
            if errors else ""}


def _python_worker(port, path, cookie, duration, connections, queue):
    import threading

    latencies, bad = [], [0]
    stop = time.monotonic() + duration

    def loop():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            started = time.monotonic()
            conn.request("GET", path,
                         headers={"Cookie": cookie, "Host": "127.0.0.1", "Accept-Encoding": ACCEPT_ENCODING})
            response = conn.getresponse()
            response.read()
            latencies.append((time.monotonic() - started) * 1000)
            if response.status != 200:
                bad[0] += 1
        conn.close()

    threads = [threading.Thread(target=loop) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((latencies, bad[0]))


def _run_python(port, path, cookie, duration, connections):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    processes = [ctx.Process(target=_python_worker, args=(port, path, cookie, duration, connections // 2, queue))
                 for _ in range(2)]
    for process in processes:
        process.start()
    results = [queue.get(timeout=duration + 60) for _ in processes]
    for process in processes:
        process.join()
    latencies = sorted(x for lat, _bad in results for x in lat)
    return {"rps": len(latencies) / duration,
            "p50": latencies[int(0.5 * (len(latencies) - 1))] if latencies else float("nan"),
            "p99": latencies[int(0.99 * (len(latencies) - 1))] if latencies
            else float("nan"), "bad": sum(b for _lat, b in results), "socket_errors": ""}


def load(ports, path, cookie, duration=3, connections=8):
    """Load every daphne port at once with `connections` each; returns rps (sum), p99 (worst), bad responses."""
    for port in ports:
        check(port, path, cookie)
    runner = _run_wrk if wrk() else _run_python
    if len(ports) == 1:
        results = [runner(ports[0], path, cookie, duration, connections)]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(ports)) as pool:
            results = list(pool.map(lambda port: runner(port, path, cookie, duration, connections), ports))
    return {"rps": sum(r["rps"] for r in results), "p50": max(r["p50"] for r in results),
            "p99": max(r["p99"] for r in results),
            "bad": sum(r["bad"] for r in results), "tool": "wrk" if wrk() else "python"}
