"""Group commit for batched commands (message.post): one transaction for many sockets' posts.

A daphne process runs all its sockets' database work in one thread (channels'
database_sync_to_async), so under load posts queue behind each other, each paying for its own
transaction, thread hop and statements. Here the first post to a team is written at once; posts
to that team arriving meanwhile wait and are then written together, up to MAX_BATCH at a time:
one hop, one transaction, one INSERT per table (teams.discussion.services.post_messages). An
idle server writes every post alone and at once, so batching adds no latency; a busy one
amortises the fixed costs (docs/benchmarks.md).

Each request still gets its own outcome: a refused post refuses only its sender.
"""
import asyncio
import logging
import weakref

from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError

from teams.models import Team

MAX_BATCH = 100

log = logging.getLogger(__name__)

# Per event loop (tests run many): (command name, team id) → requests waiting for the next batch.
# A key is present while a writer task is draining it.
_waiting = weakref.WeakKeyDictionary()
_writers = set()


def form_error(form):
    return ValidationError([f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
                            for field, errors in form.errors.items()])


def submit(command, team_id, user, data):
    """Queue one request of a batched command; returns a future of its Event (or its refusal).

    Queued at once, in call order: a socket's posts are written in the order it sent them."""
    loop = asyncio.get_running_loop()
    queues = _waiting.setdefault(loop, {})
    key = (command.name, team_id)
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
            try:
                outcomes = await run_batch(command, team_id, [(user, data) for user, data, _future in batch])
            except Exception as exc:  # the whole batch failed (database down): every sender is told
                log.exception("batch of %d %s failed", len(batch), command.name)
                outcomes = [exc] * len(batch)
            _settle(batch, outcomes)
    finally:
        # Also when this task is cancelled (the server stops): no request may wait for a writer
        # that is gone, and the next request starts a new one.
        left = queues.pop(key, [])
        _settle(left, [RuntimeError("the server is stopping")] * len(left))


def _settle(requests, outcomes):
    for (_user, _data, future), outcome in zip(requests, outcomes):
        if future.done():
            continue  # the socket went away meanwhile
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


@database_sync_to_async
def run_batch(command, team_id, requests):
    outcomes, valid = [None] * len(requests), []
    for index, (user, data) in enumerate(requests):
        form = command.form(data)
        if form.is_valid():
            valid.append((index, user, form.cleaned_data))
        else:
            outcomes[index] = form_error(form)
    if valid:
        team = Team.objects.get(pk=team_id)  # fresh: status and dates may have changed
        handled = command.handler(team, [(user, data) for _index, user, data in valid])
        for (index, _user, _data), outcome in zip(valid, handled):
            outcomes[index] = outcome
    return outcomes
