"""Fault: a quiet team. On Redis, a socket whose team is quiet for longer than redis-py's default socket
timeout (5 s) must keep waiting for rings, not die, and get the next one.

Found by tests/test_fuzz_frames.py on PostgreSQL + Redis with the list-based layer: its blocking receive
(BZPOPMIN, 5 s) ran into redis-py 8's 5 s socket timeout and took the WebSocket consumer down. The pub/sub
layer (workspace/settings.py) reads its subscription in short polls; this test keeps that so.
"""
import asyncio

import pytest
from channels.layers import get_channel_layer
from django.conf import settings

from tests.conftest import missing

pytestmark = pytest.mark.integration

QUIET_SECONDS = 6.5  # longer than redis-py's default socket timeout (5 s)


@pytest.fixture
def redis_layer():
    if not settings.REDIS_URL:
        missing("REDIS_URL is not set: the Redis layer test needs Redis")
    return get_channel_layer()


async def test_a_quiet_group_member_gets_the_next_ring(redis_layer):
    channel = await redis_layer.new_channel()
    await redis_layer.group_add("quiet-team", channel)
    receiving = asyncio.ensure_future(redis_layer.receive(channel))
    try:
        # Quiet on purpose (the fault): nothing may end this wait but our own deadline.
        done, _pending = await asyncio.wait({receiving}, timeout=QUIET_SECONDS)
        assert not done, receiving.exception() if receiving.done() else None
        await redis_layer.group_send("quiet-team", {"type": "still.here"})
        assert (await asyncio.wait_for(receiving, 5))["type"] == "still.here"
    finally:
        receiving.cancel()
        await redis_layer.group_discard("quiet-team", channel)
        await redis_layer.flush()
