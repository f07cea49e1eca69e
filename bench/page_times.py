"""Server time per page, in process (Django's full handler, no network), on the bench's database:

    SQLITE_PATH=var/bench/bench.sqlite3 .venv/bin/python bench/page_times.py [-n 5]

The median CPU time (this process's, so other work on the machine does not count) of n requests per page of
bench/pages.py, gzipped as browsers and the PAGE table ask, and the bare view's (the PAGE table's ratios are the
target; these say where to look).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bench_settings")
os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    import httpload
    import pages
    import seed
    from django.contrib.auth import get_user_model
    from django.test import Client

    info = seed.world(members=500)
    users = {"manager": get_user_model().objects.get(pk=info["manager"]),
             "lead": get_user_model().objects.get(pk=info["lead"])}
    rows = [("Bare Django view", "bare", "manager")] + [(t, k, v) for t, k, v, _g in pages.PAGES]
    for title, key, viewer in rows:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING=httpload.ACCEPT_ENCODING)  # gzipped, as wrk asks
        client.force_login(users[viewer])
        response = client.get(info["paths"][key])
        assert response.status_code == 200, (key, response.status_code)
        times = []
        for _ in range(args.n):
            started = time.process_time()
            client.get(info["paths"][key])
            times.append((time.process_time() - started) * 1000)
        print(f"{title:32} {statistics.median(times):8.2f} ms CPU  {len(response.content):8d} bytes sent",
              flush=True)


if __name__ == "__main__":
    main()
