"""Where a daphne process spends its time: py-spy (PyPI: `pip install py-spy`) sampled while
load runs, summarised as the share of samples in each function (self and inclusive)."""
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path


def py_spy():
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


def record(pid, seconds, out):
    """Start sampling `pid` for `seconds` (returns the Popen, or None without py-spy)."""
    tool = py_spy()
    if not tool:
        return None
    return subprocess.Popen([tool, "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "200", "-f", "raw",
                             "-o", str(out), "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# Inclusive shares worth naming: our code and the layers a fan-out goes through.
WATCH = [
    ("run_batch (realtime/group_commit.py", "group commit: a batch of posts in the database thread"),
    ("post_messages (teams/discussion/posting.py", "post_messages: the service (validate, write, events)"),
    ("render_markdown (teams/markup.py", "Markdown + sanitising"),
    ("take_post_quota (teams/discussion/rate_limit.py", "per-person post rate limit (cache)"),
    ("record_many (teams/events.py", "events.record_many: event rows"),
    ("ring (teams/events.py", "events.ring: group_send after commit (in the DB thread)"),
    ("TeamConsumer.team_events", "TeamConsumer.team_events: a ring's events to one socket"),
    ("TeamConsumer.send_json", "TeamConsumer.send_json: json.dumps + daphne send"),
    ("deepcopy (copy.py", "copy.deepcopy (in-memory layer copies per channel)"),
    ("InMemoryChannelLayer._clean_expired", "InMemoryChannelLayer._clean_expired"),
    ("RedisChannelLayer.group_send", "RedisChannelLayer.group_send"),
    ("RedisChannelLayer.receive", "RedisChannelLayer.receive"),
    ("aclose_old_connections", "channels: close_old_connections hop per dispatched message"),
    ("close_old_connections (django/db/__init__.py", "django close_old_connections"),
    ("WebSocketProtocol.sendMessage (autobahn", "autobahn: frame and write"),
    ("BaseDatabaseWrapper.commit", "database commit"),
    ("AuthMiddleware.__call__", "(all consumer work: under the ASGI app)"),
]


def summarize(path, top=8):
    self_counts, watched_counts = Counter(), Counter()
    total = 0
    for line in open(path):
        stack, _sep, count = line.rpartition(" ")
        if not stack:
            continue
        count = int(count)
        frames = stack.split(";")
        total += count
        self_counts[frames[-1]] += count
        for prefix, _label in WATCH:
            if any(frame.startswith(prefix) for frame in frames):
                watched_counts[prefix] += count
    if not total:
        return {"samples": 0, "self": [], "inclusive": []}
    watched = []
    for prefix, label in WATCH:
        share = watched_counts[prefix]
        if share:
            watched.append((round(100 * share / total, 1), label))
    return {"samples": total,
            "self": [(round(100 * n / total, 1), frame) for frame, n in self_counts.most_common(top)],
            "inclusive": sorted(watched, reverse=True)}
