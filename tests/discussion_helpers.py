"""Helpers for the discussion tests (their WebSocket client is tests/ws_client.py)."""
from django.conf import settings
from django.core.cache import cache, caches

from teams.discussion.models import Channel


def general(team):
    return Channel.objects.get(team=team, name="general")


def clear_cache():
    """Forget rate-limit and presence entries of this test run only.

    Never cache.clear() on Redis: that is FLUSHDB on a server other runs (and Celery) share.
    """
    if not settings.REDIS_URL:
        cache.clear()  # this process's own memory
        caches["fragments"].clear()  # the page fragments' LocMem (teams/fragments.py)
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    for pattern in (f"{prefix}:*",):  # this run's prefix only (TEST_RUN_ID)
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    client.close()
