"""Fault: a quiet team. On Redis, a consumer whose channel receives nothing for longer than channels_redis'
blocking receive (BZPOPMIN, `brpop_timeout` = 5 s) must keep waiting, not die.

Found by tests/test_fuzz_frames.py on PostgreSQL + Redis: redis-py 8's default socket timeout is 5 s as well, so
the idle receive raised redis.exceptions.TimeoutError and took the WebSocket consumer down (fixed in
workspace/settings.py: the layer's hosts set socket_timeout 30).
"""
import asyncio

import pytest
from channels.layers import get_channel_layer
from django.conf import settings

from tests.conftest import missing

pytestmark = pytest.mark.integration


@pytest.fixture
def redis_layer():
    if not settings.REDIS_URL:
        missing("REDIS_URL is not set: the Redis layer test needs Redis")
    return get_channel_layer()


def test_the_layer_socket_timeout_outlasts_the_blocking_receive(redis_layer):
    from channels_redis.utils import create_pool

    for host in redis_layer.hosts:
        timeout = create_pool(host).connection_kwargs.get("socket_timeout")  # what redis-py will really use
        assert timeout is None or timeout > redis_layer.brpop_timeout, (host, timeout)


async def test_an_idle_receive_outlasts_the_blocking_receive(redis_layer):
    channel = await redis_layer.new_channel()
    try:
        # Idle on purpose (the fault), longer than one BZPOPMIN: only our own deadline may end the wait.
        with pytest.raises(asyncio.TimeoutError) as raised:
            await asyncio.wait_for(redis_layer.receive(channel), redis_layer.brpop_timeout + 1.5)
        assert type(raised.value).__module__ in ("builtins", "asyncio.exceptions"), repr(raised.value)
        await redis_layer.send(channel, {"type": "still.here"})
        assert (await asyncio.wait_for(redis_layer.receive(channel), 5))["type"] == "still.here"
    finally:
        await redis_layer.close_pools()
