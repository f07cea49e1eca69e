"""Pages gzipped at level 3 (workspace/compression.py), with what Django's GZipMiddleware does around it."""
import gzip

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from workspace.compression import LEVEL, GZipMiddleware

pytestmark = pytest.mark.django_db


def get(client, path, **headers):
    return client.get(path, headers=headers)


def test_a_page_is_gzipped_at_level_3_and_reads_the_same(client: Client, people, team):
    client.force_login(people["lead"])
    path = reverse("teams:detail", args=[team.slug])
    plain = get(client, path)
    packed = get(client, path, accept_encoding="gzip, deflate, br")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in packed["Vary"]
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    body = gzip.decompress(packed.content)
    # The whole page (its CSP nonce and CSRF tokens are new in each response).
    assert team.name.encode() in body and body.rstrip().endswith(b"</html>")
    assert abs(len(body) - len(plain.content)) < 200
    # After the header and its file name (the random padding), the stream is zlib's at LEVEL.
    name_end = packed.content.index(b"\x00", 10) + 1
    assert packed.content[name_end:] == gzip.compress(body, compresslevel=LEVEL, mtime=0)[10:]
    assert LEVEL == 3


def test_the_padding_against_breach_varies(client: Client, people):
    client.force_login(people["lead"])
    lengths = {len(get(client, reverse("teams:masterplan"), accept_encoding="gzip").content) for _ in range(12)}
    assert len(lengths) > 1


def test_small_encoded_and_streaming_responses_go_as_django_sends_them(rf):
    request = rf.get("/", HTTP_ACCEPT_ENCODING="gzip")

    def respond(response):
        return GZipMiddleware(lambda _request: response)(request)
    assert "Content-Encoding" not in respond(HttpResponse(b"x" * 199))
    assert respond(HttpResponse(b"x" * 500, headers={"Content-Encoding": "br"}))["Content-Encoding"] == "br"
    streamed = respond(StreamingHttpResponse(iter([b"line\n"] * 100)))
    assert streamed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(streamed.streaming_content)) == b"line\n" * 100
    plain = GZipMiddleware(lambda _request: HttpResponse(b"x" * 500))(rf.get("/"))
    assert "Content-Encoding" not in plain and plain.content == b"x" * 500


@pytest.mark.parametrize("header, gzipped", [
    ("gzip", True), ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.8", True), ("GZIP", True), ("x-gzip", True),
    ("gzip;q=0", False), ("gzip; q=0.0", False), ("br, gzip;q=0", False), ("gzip;q=abc", False), ("", False),
    ("identity", False), ("br", False), ("*", False), ("deflate;q=0.5, agzip", False),
])
def test_gzip_only_where_the_client_takes_it(rf, header, gzipped):
    request = rf.get("/", HTTP_ACCEPT_ENCODING=header)
    response = GZipMiddleware(lambda _request: HttpResponse(b"x" * 500))(request)
    assert (response.get("Content-Encoding") == "gzip") is gzipped and response["Vary"] == "Accept-Encoding"
    streamed = GZipMiddleware(lambda _request: StreamingHttpResponse(iter([b"x"] * 500)))(request)
    assert (streamed.get("Content-Encoding") == "gzip") is gzipped
