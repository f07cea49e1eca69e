"""Group commit for batched commands (message.post): one transaction for many sockets' posts.

A daphne process runs all its sockets' database work in one thread (channels'
database_sync_to_async), so under load posts queue behind each other, each paying for its own
transaction, thread hop and statements. Here the first post to a team is written at once; posts
to that team arriving meanwhile wait and are then written together, up to MAX_BATCH at a time:
one hop, one transaction, one INSERT per table (teams.discussion.posting.post_messages). An
idle server writes every post alone and at once, so batching adds no latency; a busy one
amortises the fixed costs (docs/benchmarks.md).

Each request still gets its own outcome: a refused post refuses only its sender, and a batch that
fails as a whole (an exception no post should raise) is written again one post at a time, so that
whatever one post raises fails only that post.
"""
import asyncio
import logging
import weakref
from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.utils import translation

from teams.models import Team

from .protocol import Command, validated

MAX_BATCH = 100

log = logging.getLogger(__name__)

# Per event loop (tests run many): (command name, team id) → requests waiting for the next batch.
# A key is present while a writer task is draining it.
_waiting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict] = weakref.WeakKeyDictionary()
_writers: set[asyncio.Task] = set()


def submit(command: Command, team_id: int, user: User, data: dict) -> asyncio.Future:
    """Queue one request of a batched command; returns a future of its Event (or its refusal).

    Queued at once, in call order: a socket's posts are written in the order it sent them."""
    loop = asyncio.get_running_loop()
    queues = _waiting.setdefault(loop, {})
    # Batched per language: the writer task runs in its first request's context, whose language words the
    # refusals of every request in its batches.
    key = (command.name, team_id, translation.get_language())
    future = loop.create_future()
    if key in queues:
        queues[key].append((user, data, future))  # a batch is being written: join the next one
    else:
        queues[key] = [(user, data, future)]
        writer = loop.create_task(_write_batches(command, team_id, queues, key))
        _writers.add(writer)  # the loop keeps only weak references to tasks
        writer.add_done_callback(_writers.discard)
    return future


async def _write_batches(command, team_id, queues, key):
    try:
        while queues[key]:
            batch, queues[key] = queues[key][:MAX_BATCH], queues[key][MAX_BATCH:]
            _settle(batch, await _outcomes(command, team_id, [(user, data) for user, data, _future in batch]))
    finally:
        # Also when this task is cancelled (the server stops): no request may wait for a writer
        # that is gone, and the next request starts a new one.
        left = queues.pop(key, [])
        _settle(left, [RuntimeError("the server is stopping")] * len(left))


async def _outcomes(command, team_id, requests):
    """Each request's outcome; if the batch fails as a whole, each request is written alone."""
    try:
        return await run_batch(command, team_id, requests)
    except Exception as exc:
        if len(requests) == 1 or isinstance(exc, (OperationalError, InterfaceError)):
            # Its sender is told (and the consumer logs it); all senders at once when the database is
            # unreachable: writing each post alone would only wait for it once per post.
            return [exc] * len(requests)
        # Nothing of the batch was written (one transaction). The cause is told to its own sender.
        log.warning("a batch of %d %s failed (%r): writing them one by one", len(requests), command.name, exc)
        return [outcome for request in requests for outcome in await _outcomes(command, team_id, [request])]


def _settle(requests: list[tuple[User, dict, asyncio.Future]], outcomes: list) -> None:
    for (_user, _data, future), outcome in zip(requests, outcomes):
        if future.done():
            continue  # the socket went away meanwhile
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


@database_sync_to_async
def run_batch(command: Command, team_id: int, requests: list[tuple[User, dict]]) -> list:
    """Each request checked against the command's schema first; the valid ones handled together."""
    outcomes: list[Any] = [None] * len(requests)  # an Event (or None) or a refusal for each request by the end
    valid = []
    for index, (user, data) in enumerate(requests):
        try:
            valid.append((index, user, validated(command, data)))
        except ValidationError as exc:
            outcomes[index] = exc
    if valid:
        team = Team.objects.get(pk=team_id)  # fresh: status and dates may have changed
        handled = command.handler(team, [(user, data) for _index, user, data in valid])
        for (index, _user, _data), outcome in zip(valid, handled):
            outcomes[index] = outcome
    return outcomes
