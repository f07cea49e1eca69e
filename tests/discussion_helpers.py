"""Helpers for the discussion tests: WebSocket clients with a real session, frame waits."""
import json

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from teams.discussion.models import Channel

ORIGIN = (b"origin", b"http://127.0.0.1")


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def general(team):
    return Channel.objects.get(team=team, name="general")


async def connect(user, team, *, after=None, cookie=None):
    """An accepted, resumed communicator (resume after `after`, default: now)."""
    from asgiref.sync import sync_to_async

    from workspace.asgi import application

    if cookie is None:
        cookie = await sync_to_async(session_cookie)(user)
    communicator = WebsocketCommunicator(application, f"/ws/teams/{team.slug}/",
                                         headers=[(b"cookie", cookie.encode()), ORIGIN, (b"host", b"127.0.0.1")])
    connected, _code = await communicator.connect()
    assert connected
    snapshot = await communicator.receive_json_from(timeout=5)
    assert snapshot["type"] == "presence"
    communicator.presence = snapshot
    if after is None:
        from teams.models import Team

        after = await sync_to_async(lambda: Team.objects.get(pk=team.pk).last_seq)()
    await communicator.send_json_to({"type": "resume", "after": after})
    communicator.replayed = []
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        if frame["type"] == "resumed":
            communicator.seq = frame["seq"]
            return communicator
        communicator.replayed.append(frame)


async def until(communicator, predicate, timeout=5):
    """Receive frames until one matches; return (match, frames skipped)."""
    skipped = []
    while True:
        held = getattr(communicator, "held", None)
        frame = held.pop(0) if held else await communicator.receive_json_from(timeout=timeout)
        if predicate(frame):
            return frame, skipped
        skipped.append(frame)


async def request(communicator, frame, timeout=5):
    """Send a command; return its ack or error (and the frames that came before it).

    A post's ack and its event come in either order (posts are written in batches,
    realtime/group_commit.py): events that came first stay there for the next wait."""
    await communicator.send_to(text_data=json.dumps(frame) if not isinstance(frame, str) else frame)
    answer, skipped = await until(
        communicator, lambda f: f["type"] in ("ack", "error", "pong") and f.get("id") == frame_id(frame), timeout)
    communicator.held = [f for f in skipped if f["type"] == "event"] + (getattr(communicator, "held", None) or [])
    return answer, skipped


def frame_id(frame):
    if isinstance(frame, dict):
        return frame.get("id")
    try:
        parsed = json.loads(frame)
        return parsed.get("id") if isinstance(parsed, dict) else None
    except ValueError:
        return None


def clear_cache():
    """Forget rate-limit and presence entries of this test run only.

    Never cache.clear() on Redis: that is FLUSHDB on a server other runs (and Celery) share.
    """
    if not settings.REDIS_URL:
        cache.clear()  # this process's own memory
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    for pattern in (f"{prefix}:*",):  # this run's prefix only (TEST_RUN_ID)
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    client.close()
