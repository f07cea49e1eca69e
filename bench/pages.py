"""The PAGE table of issue 18: each page's requests/s, p50 and p99 at 4 keep-alive connections on one
daphne, as a ratio to a bare Django view (bench/bench_urls.py) served by the same daphne in the same run;
and the BYTES line: what a first load of the board page transfers (HTML + every CSS and JS it loads).

Each run measures the bare view, then every page, so a ratio compares figures taken minutes apart at
most on the same (shared) machine; the table gives the medians of the runs' figures and ratios.
"""
import gzip
import http.client
import re
import statistics

import httpload

CONNECTIONS, SECONDS = 4, 4
# (title, path key in seed's paths, viewer, the target as a share of the bare view's requests/s)
PAGES = [
    ("Login page", "login", "manager", None),
    ("Team page", "team", "manager", 10),
    ("Board (500 cards)", "board", "manager", 20),
    ("Card page", "card", "manager", 10),
    ("Channel (5,000 messages)", "channel", "manager", 10),
    ("Team review", "review", "manager", 10),
    ("Desk", "desk", "manager", 10),
    ("Team directory (41 teams)", "directory", "manager", 10),
    ("My teams (lead of 41)", "my", "lead", 10),
    ("Master plan", "masterplan", "manager", 10),
    ("Search", "search", "manager", 10),
    ("People", "people", "manager", 10),
    ("My tasks (lead's open cards)", "mytasks", "lead", 10),
]
P99_TARGET_MS = 100


def _cookie(info, viewer):
    return f"{info['cookie_name']}={info['manager_cookie'] if viewer == 'manager' else info['cookies'][0]}"


def measure(info, ports, runs, wait_idle):
    """{key: {"rps", "p50", "p99", "ratio", "bad"}} with medians over `runs`; "bare" included."""
    bare_cookie = _cookie(info, "manager")
    per_run = {key: [] for key in ["bare", *(key for _t, key, _v, _g in PAGES)]}
    for _run in range(runs):
        wait_idle()
        bare = httpload.load(ports, info["paths"]["bare"], bare_cookie, duration=SECONDS, connections=CONNECTIONS)
        per_run["bare"].append({**bare, "ratio": 1.0})
        for _title, key, viewer, _goal in PAGES:
            wait_idle()
            got = httpload.load(ports, info["paths"][key], _cookie(info, viewer), duration=SECONDS,
                                connections=CONNECTIONS)
            per_run[key].append({**got, "ratio": got["rps"] / bare["rps"]})
    return {key: {field: statistics.median(r[field] for r in runs_) for field in ("rps", "p50", "p99", "ratio")}
            | {"bad": sum(r["bad"] for r in runs_)} for key, runs_ in per_run.items()}


def rows(measured):
    bare = measured["bare"]
    out = [["Bare Django view (bench only)", f"{bare['rps']:.0f}", f"{bare['p50']:.1f}", f"{bare['p99']:.1f}", "1",
            "-", "-", bare["bad"]]]
    for title, key, _viewer, goal in PAGES:
        m = measured[key]
        met = "-" if goal is None else \
            ("yes" if m["ratio"] >= 1 / goal and m["p99"] < P99_TARGET_MS else "NO")
        out.append([title, f"{m['rps']:.0f}", f"{m['p50']:.1f}", f"{m['p99']:.1f}", f"1/{1 / m['ratio']:.1f}",
                    "-" if goal is None else f"1/{goal}", met, m["bad"]])
    return out


HEADER = ["page", "requests/s", "p50 ms", "p99 ms", "ratio to bare", "target", "met", "non-200"]


def _get(port, path, cookie):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1", "Accept-Encoding": "gzip"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}")
    wire = len(body)
    if response.getheader("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    # What the response would be gzipped (level 6, as a proxy would) when the server sent it plain.
    return body, wire, len(gzip.compress(body, 6)) if response.getheader("Content-Encoding") is None else wire, \
        response.getheader("Cache-Control") or ""


ASSET = re.compile(rb'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def board_bytes(info, port):
    """The board page's first load: [(url, wire bytes, gzipped bytes, Cache-Control)] for the HTML and assets."""
    cookie = _cookie(info, "manager")
    html, wire, zipped, cache = _get(port, info["paths"]["board"], cookie)
    parts = [(info["paths"]["board"], wire, zipped, cache)]
    for url in dict.fromkeys(ASSET.findall(html)):
        _body, wire, zipped, cache = _get(port, "/" + url.decode().lstrip("/"), cookie)
        parts.append((url.decode(), wire, zipped, cache))
    return parts
