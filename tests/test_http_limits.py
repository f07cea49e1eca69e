"""A request body longer than any page accepts (settings.REQUEST_MAX_BODY_BYTES) is refused with 413 before it is
read: by its Content-Length, or, chunked, once that much has come (workspace/http.py). Django's handler would
read it all first (into a spooled file: memory, then disk), and apply its own limits only after that."""
import asyncio
import contextlib
import socket
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from teams.board.attachments import MAX_ATTACHMENT_BYTES
from teams.discussion.files import MAX_FILES_PER_MESSAGE
from teams.discussion.models import MAX_MESSAGE_LENGTH, Channel, MessageFile
from teams.review.outputs import MAX_OUTPUT_BYTES
from tests.asgi_helpers import request, session_cookie
from tests.chatfile_helpers import files_url, upload
from tests.conftest import Daphne
from workspace.http import PooledThreadASGIHandler

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = "k" * 32  # an unmasked secret, in the cookie and in the header, as a page's script sends it


def refusals(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


def post_headers(client, person, length, content_type=MULTIPART_CONTENT):
    name, value = session_cookie(client, person)
    return [(name, value + f"; csrftoken={CSRF}".encode()), (b"x-csrftoken", CSRF.encode()),
            (b"content-type", content_type.encode()), *([(b"content-length", str(length).encode())] if length else [])]


def test_a_huge_content_length_is_refused_at_once_without_reading_a_byte(client, people, team, caplog):
    channel = Channel.objects.filter(team=team).first()
    headers = post_headers(client, people["expert"], 10 * 1024**3)
    # No body is sent at all: an answer that waited for it would time out.
    answer = asyncio.run(request(PooledThreadASGIHandler(), files_url(team, channel), "POST", headers, chunks=()))
    assert answer.status == 413 and answer.body == b"The request is too large."
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    refused, = refusals(caplog)
    assert (refused.levelname, refused.getMessage(), refused.exc_info) \
        == ("WARNING", f"Payload Too Large: {files_url(team, channel)}", None)


def test_the_refusal_is_in_the_language_the_person_reads(client, people, team):
    headers = [(b"accept-language", b"de-DE,de;q=0.9"), (b"content-length", b"999999999999")]
    answer = asyncio.run(request(PooledThreadASGIHandler(), "/login/", "POST", headers, chunks=()))
    assert answer.status == 413 and answer.body.decode() == "Die Anfrage ist zu groß."


def test_a_chunked_body_is_cut_off_at_the_limit(client, people, team, settings, caplog):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    channel = Channel.objects.filter(team=team).first()
    headers = post_headers(client, people["expert"], None)
    # 1,200 bytes of a body that says more is to come, and never sends it: refused without waiting.
    answer = asyncio.run(request(PooledThreadASGIHandler(), files_url(team, channel), "POST", headers,
                                 chunks=(b"x" * 600, b"x" * 600), ended=False))
    assert answer.status == 413
    assert len(refusals(caplog)) == 1 and not MessageFile.objects.exists()


def test_an_upload_up_to_the_limit_is_stored_and_one_byte_more_is_refused(client, people, team, settings):
    channel = Channel.objects.filter(team=team).first()
    content = b"minutes of the kick-off\n" * 150_000  # 3.6 MB: past the memory spool, onto disk
    body = encode_multipart(BOUNDARY, {"body": "the minutes", "file": upload("minutes.txt", content)})
    handler = PooledThreadASGIHandler()

    def post(declared):
        chunks = [body[n:n + 65536] for n in range(0, len(body), 65536)]
        return asyncio.run(request(handler, files_url(team, channel), "POST",
                                   post_headers(client, people["expert"], declared), chunks=chunks))

    settings.REQUEST_MAX_BODY_BYTES = len(body) - 1
    assert post(len(body)).status == 413 and post(None).status == 413
    settings.REQUEST_MAX_BODY_BYTES = len(body)
    stored = post(len(body))
    assert stored.status == 200, stored.body
    assert MessageFile.objects.get().file.read() == content


def test_the_limit_lets_the_largest_post_any_page_takes_through():
    """A chat post of the most files, each of the largest size (chat.js sends them in one request); the
    largest single file is a review output's."""
    framing = encode_multipart(BOUNDARY, {
        "body": "😀" * MAX_MESSAGE_LENGTH, "thread": "1234567890",
        "file": [upload("ü" * 196 + ".pdf", b"") for _ in range(MAX_FILES_PER_MESSAGE)]})
    largest_post = MAX_FILES_PER_MESSAGE * MAX_ATTACHMENT_BYTES + len(framing)
    assert max(largest_post, MAX_OUTPUT_BYTES) <= django_settings.REQUEST_MAX_BODY_BYTES
    assert django_settings.REQUEST_MAX_BODY_BYTES < 2 * largest_post  # and not much more


def exchange(port, head: bytes, body=b"", wait=10.0) -> bytes:
    """Sends a request's head and the start of its body on a raw socket; returns all the server answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as conn:
        conn.sendall(head + b"\r\n" + body)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := conn.recv(65536):
                answer += chunk
        return answer


@pytest.fixture
def small_limit_daphne(transactional_db):
    connection.close()
    server = Daphne({"REQUEST_MAX_BODY_BYTES": "4096"})
    yield server
    server.stop()


@pytest.mark.live  # its own daphne (conftest's LIVE_FIXTURES names the shared fixtures)
def test_daphne_refuses_before_reading_the_body_it_would_otherwise_write_to_disk(small_limit_daphne):
    """twisted reads a whole body before daphne hands it to the handler: the refusal is in front of it."""
    port = small_limit_daphne.port
    head = b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: de\r\nContent-Type: text/plain\r\n"
    declared = exchange(port, head + b"Content-Length: 10000000000\r\n", b"abc")
    assert declared.startswith(b"HTTP/1.1 413 ") and b"\r\nContent-Type: text/plain; charset=utf-8\r\n" in declared
    assert declared.endswith("\r\n\r\nDie Anfrage ist zu groß.".encode())
    expecting = exchange(port, head + b"Content-Length: 5000\r\nExpect: 100-continue\r\n")
    assert expecting.startswith(b"HTTP/1.1 413 ") and b"100 Continue" not in expecting
    chunk = b"800\r\n" + b"x" * 2048 + b"\r\n"  # three of 2 KB, and no end: refused at the third
    chunked = exchange(port, head + b"Transfer-Encoding: chunked\r\n", chunk * 3)
    assert chunked.startswith(b"HTTP/1.1 413 ")
    within = exchange(port, head + b"Content-Length: 4000\r\nConnection: close\r\n", b"x" * 4000)
    assert within.startswith(b"HTTP/1.1 403 ")  # through to the site: no CSRF token
    log = Path(small_limit_daphne.log.name).read_text()
    assert log.count("WARNING django.request: Payload Too Large: /login/") == 3


@pytest.mark.live
def test_a_request_or_header_line_over_16_kb_gets_an_answer_not_a_dropped_connection(small_limit_daphne):
    port = small_limit_daphne.port
    long_url = exchange(port, b"GET /search/?q=" + b"x" * 20_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    assert long_url.startswith(b"HTTP/1.1 414 URI Too Long\r\n")
    long_header = exchange(port, b"GET /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"y" * 20_000 + b"\r\n")
    assert long_header.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    below = exchange(port, b"GET /login/?q=" + b"x" * 8_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
    assert below.startswith(b"HTTP/1.1 200 ")
