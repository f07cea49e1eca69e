"""cProfile one page as the server renders it, in process, on the bench's database (after `make bench ARGS=pages`):

    SQLITE_PATH=var/bench/bench.sqlite3 .venv/bin/python bench/profile_page.py /teams/bench-team/board/ [-n 20]

Requests go through Django's full handler (every middleware) with the cluster manager of the seed logged in
(`--user` for another username); prints the mean time per request and the functions with the most own and
cumulative time.
"""
import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bench_settings")
os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--user", default="benchmanager0000")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=args.user))
    first = client.get(args.path)  # warm-up: templates compiled, caches filled
    assert first.status_code == 200, first.status_code
    started = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.n):
        client.get(args.path)
    profile.disable()
    elapsed = (time.perf_counter() - started) / args.n
    print(f"{args.path}: {elapsed * 1000:.1f} ms per request under cProfile, {len(first.content)} bytes")
    stats = pstats.Stats(profile).strip_dirs()
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
