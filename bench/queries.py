"""SQL queries per main page at small and at large data (run by bench/run.py in a database of its own).

Each page is fetched with Django's test client and django.test.utils.CaptureQueriesContext
(after one warm-up request, so per-process caches such as ContentType are filled, as in a
running server). Prints one JSON line: {"rows": [[page, viewer, small, large], ...], "sizes": {...}}.
"""
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings")

SMALL = dict(members=5, cards=5, messages=20, teams=3, notes=2)
LARGE = dict(members=300, cards=500, messages=5000, teams=200, notes=20)


def pages(info):
    slug, channel = info["slug"], info["channel"]
    return [
        ("My teams", "lead", "/my/"),
        ("Team directory", "manager", "/teams/"),
        ("Master plan", "manager", "/masterplan/"),
        ("Team page", "lead", f"/teams/{slug}/"),
        ("Board", "lead", f"/teams/{slug}/board/"),
        ("Channel", "lead", f"/teams/{slug}/channels/{channel}/"),
        ("Desk", "manager", "/desk/"),
        ("Review overview", "manager", "/review/"),
        ("Team review", "manager", f"/teams/{slug}/review/"),
    ]


def count(users, info):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    result = {}
    for name, viewer, path in pages(info):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[viewer])
        response = client.get(path)  # warm-up
        if response.status_code != 200:
            raise RuntimeError(f"{path} as {viewer}: HTTP {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        result[name] = (viewer, len(queries.captured_queries))
    return result


def main():
    import django

    django.setup()
    import seed
    from django.contrib.auth import get_user_model
    from django.db import connection

    connection.force_debug_cursor = True
    User = get_user_model()

    def users(info):
        return {"lead": User.objects.get(pk=info["lead"]), "manager": User.objects.get(pk=info["manager"])}

    small = seed.world(name="Small Team", **SMALL)
    small_counts = count(users(small), small)
    large = seed.world(name="Large Team", **LARGE)
    large_counts = count(users(large), large)
    rows = [[name, viewer, small_counts[name][1], large_counts[name][1]] for name, (viewer, _n) in small_counts.items()]
    print(json.dumps({"rows": rows, "sizes": {"small": SMALL, "large": LARGE}}))


if __name__ == "__main__":
    main()
