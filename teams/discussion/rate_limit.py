"""The post rate limit: per person, across tabs and processes (the cache is Redis when scaled out),
counted once per person and batch (group commit, realtime/group_commit.py).

The counter goes through public APIs only. On Redis, the cache's own client is private to Django,
so the counter talks to the cache's server (CACHES["default"]["LOCATION"], its first server as
Django writes to) with its own redis-py client: SET NX and INCRBY pipelined, one round trip, on the
key Django's cache uses, so `cache.get()` reads the count. Elsewhere (locmem in development and
tests) `cache.add()` and `cache.incr()`, three steps in one process.
"""
import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Iterator

import redis
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Message

log = logging.getLogger(__name__)

_rate_limit_suspended = contextvars.ContextVar("discussion_rate_limit_suspended", default=False)


@contextlib.contextmanager
def rate_limit_suspended() -> Iterator[None]:
    """For imports and the demo loader only: post many messages at once."""
    token = _rate_limit_suspended.set(True)
    try:
        yield
    finally:
        _rate_limit_suspended.reset(token)


def take_post_quota(user: User, wanted: int) -> int:
    """How many of `wanted` new posts the person may make now; the rest are refused with
    post_rate_error()."""
    if _rate_limit_suspended.get():
        return wanted
    count, window = getattr(settings, "DISCUSSION_POST_RATE", (20, 30))
    key = f"discussion:posts:{user.pk}:{int(time.time() // window)}"
    try:
        posted = add_to_counter(key, wanted, timeout=window * 2)
    except Exception:  # a cache outage must not stop the discussion
        log.warning("post rate limit unavailable", exc_info=True)
        return wanted
    return max(0, min(wanted, count - (posted - wanted)))


@functools.cache
def _redis(location: str) -> redis.Redis:
    """One client (and connection pool) per process and server."""
    return redis.Redis.from_url(location)


def _first_server(location: str | list[str]) -> str:
    return (location.split(",") if isinstance(location, str) else location)[0]


def add_to_counter(key: str, amount: int, *, timeout: int) -> int:
    """Add `amount` to a cached counter that lives `timeout` seconds from its first use; the new total."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        pipe = _redis(_first_server(settings.CACHES["default"]["LOCATION"])).pipeline(transaction=False)
        pipe.set(full_key, 0, ex=timeout, nx=True)  # Django stores ints as plain numbers: get() reads it
        pipe.incrby(full_key, amount)
        return pipe.execute()[1]
    backend.add(key, 0, timeout=timeout)
    return backend.incr(key, amount)


def post_rate_error() -> ValidationError:
    count, window = getattr(settings, "DISCUSSION_POST_RATE", (20, 30))
    wait = max(1, int((time.time() // window + 1) * window - time.time()) + 1)
    return ValidationError(
        _("You are posting too fast (at most %(count)d messages in %(seconds)d seconds). "
          "Please wait %(wait)d seconds.") % {"count": count, "seconds": window, "wait": wait},
        code="rate_limited")


def within_post_rate(accepted: list[tuple[int, Message]], outcomes: list) -> list[tuple[int, Message]]:
    """Each person's valid posts count against their rate limit (one cache round trip per person)."""
    by_author: dict = {}  # author id -> [(index, message)]
    for index, message in accepted:
        by_author.setdefault(message.author_id, []).append((index, message))
    allowed = {author_id: take_post_quota(posts[0][1].author, len(posts)) for author_id, posts in by_author.items()}
    kept = []
    for index, message in accepted:
        if allowed[message.author_id] > 0:
            allowed[message.author_id] -= 1
            kept.append((index, message))
        else:
            outcomes[index] = post_rate_error()
    return kept
