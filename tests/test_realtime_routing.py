"""Unrouted WebSocket paths: the handshake is refused (403, as for an unknown team or conversation), for
anyone, signed in or not, and nothing is logged as an error (URLRouter alone raised: a 500 and a traceback)."""
import logging

import pytest
from websockets.exceptions import InvalidStatus

from tests.ws_client import live_socket, open_socket

pytestmark = pytest.mark.django_db(transaction=True)

UNROUTED = ["/ws/dm/abc/", "/ws/dm/-1/", "/ws/foo/", "/ws/teams/a%20b/", "/ws/teams/a b/", "/ws/", "/"]


async def test_unrouted_paths_are_refused_without_an_error(people, caplog):
    with caplog.at_level(logging.WARNING):
        for who in (None, "expert"):
            for path in UNROUTED:
                connected, communicator = await open_socket(people.get(who), path=path)
                await communicator.disconnect()
                assert not connected, (who, path)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", ["/ws/dm/abc/", "/ws/dm/-1/", "/ws/foo/", "/ws/teams/a%20b/"])
async def test_real_daphne_refuses_unrouted_paths_with_403(daphne_server, path):
    # daphne's log is checked for tracebacks at the test's end (tests/server_logs.py)
    with pytest.raises(InvalidStatus) as refused:
        async with live_socket(daphne_server, path):
            pass
    assert refused.value.response.status_code == 403
