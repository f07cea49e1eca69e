"""workspace/http.py: Django's ASGI handler with the request's whole middleware chain and view in one thread,
borrowed from a pool instead of started per request."""
import asyncio
import gc
import inspect
import threading

import pytest

from tests.asgi_helpers import request
from workspace import http
from workspace.http import IDLE_THREADS_KEPT, PooledThreadASGIHandler

pytestmark = pytest.mark.django_db(transaction=True)


async def get(handler, path="/login/"):
    answer = await request(handler, path)
    return answer.status, answer.body


def test_the_middleware_chain_is_built_for_one_thread():
    assert not inspect.iscoroutinefunction(PooledThreadASGIHandler()._middleware_chain)


def test_requests_one_after_another_reuse_one_thread():
    handler = PooledThreadASGIHandler()

    async def three():
        return [await get(handler) for _ in range(3)]

    threads_before = threading.active_count()
    answers = asyncio.run(three())
    assert [status for status, _body in answers] == [200, 200, 200]
    assert b"<form" in answers[0][1]
    assert len(handler._idle) == 1
    assert threading.active_count() <= threads_before + 1


def test_requests_at_once_get_threads_of_their_own_and_a_burst_keeps_only_a_few():
    handler = PooledThreadASGIHandler()
    count = IDLE_THREADS_KEPT + 4

    async def burst():
        return await asyncio.gather(*(get(handler) for _ in range(count)))

    answers = asyncio.run(burst())
    assert {status for status, _body in answers} == {200}
    assert len(handler._idle) == IDLE_THREADS_KEPT


def test_a_refused_request_still_gets_its_answer_and_returns_the_thread():
    handler = PooledThreadASGIHandler()
    status, _body = asyncio.run(get(handler, "/teams/no-such-team/"))
    assert status in (302, 404)
    assert len(handler._idle) == 1


def test_what_the_first_requests_loaded_is_frozen_once(monkeypatch):
    """After FREEZE_AFTER_REQUESTS requests, what is alive is kept out of the collector's full passes: once."""
    monkeypatch.setattr(http, "FREEZE_AFTER_REQUESTS", 3)
    handler = PooledThreadASGIHandler()

    def serve(count):
        async def requests():
            return [await get(handler) for _ in range(count)]
        return asyncio.run(requests())

    gc.unfreeze()  # what importing workspace.asgi froze in this test process
    try:
        serve(2)
        assert gc.get_freeze_count() == 0
        serve(1)
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        serve(3)
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
