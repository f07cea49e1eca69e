"""The check every test with a live server ends with (tests/conftest.py server_logs_are_clean)."""
from tests.server_logs import log_problems

LOG = """\
127.0.0.1:40000 - - [30/Nov/2026:00:13:14] "WSCONNECT /ws/teams/data-spaces/" - -
INFO daphne.server: Listening on TCP address 127.0.0.1:8000
WARNING django.request: Forbidden: /teams/x/
ERROR asyncio: Task exception was never retrieved
future: <Task finished name='Task-9' coro=<TeamConsumer.answer() done>>
Traceback (most recent call last):
  File "realtime/consumers.py", line 1, in answer
autobahn.exception.Disconnected: Attempt to send on a closed protocol
127.0.0.1:40000 - - [30/Nov/2026:00:13:15] "WSDISCONNECT /ws/teams/data-spaces/" - -
[2026-11-30 00:13:16,000: ERROR/MainProcess] consumer: Cannot connect to redis://127.0.0.1:1/0
Traceback (most recent call last):
redis.exceptions.ConnectionError: Connection refused.
"""


def test_tracebacks_and_errors_are_found_whole_and_only_the_allowed_ones_pass(tmp_path):
    path = tmp_path / "daphne.log"
    path.write_text(LOG)
    found = log_problems(path)
    assert len(found) == 2
    assert found[0].startswith("ERROR asyncio") and found[0].endswith("Attempt to send on a closed protocol")
    assert found[1].startswith("[2026-11-30") and found[1].endswith("Connection refused.")
    assert log_problems(path, allowed=[r"Cannot connect to redis"]) == found[:1]
    assert log_problems(path, allowed=[r"Cannot connect to redis", r"closed protocol"]) == []
