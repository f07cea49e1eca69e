"""Django's GZipMiddleware at zlib level 3 instead of 6 for whole pages.

A board of 500 cards (455 KB of HTML) took 3.6 ms a request to gzip at level 6 and takes 1.3 ms at level 3 for
34 KB instead of 29 KB; a team page of 500 members 1.7 → 0.7 ms, a channel 2.1 → 0.7 ms (docs/benchmarks.md).
Levels 1–3 are zlib's fast strategy; from 4 on it searches harder for little gain on HTML. What Django does
around compression stays: nothing under 200 bytes or already encoded, Vary, a weak ETag, and the random-length
file name in the gzip header against BREACH (each page's CSRF token is masked anew as well); streaming responses
(file downloads) are compressed by Django's code. Only a client that names gzip with a weight above 0 gets it.
"""
import gzip
import secrets

from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_sequence

LEVEL = 3


def compress(content: bytes, max_random_bytes: int) -> bytes:
    """gzip at LEVEL, with a file name of random length in the header (django.utils.text.compress_string's)."""
    data = gzip.compress(content, compresslevel=LEVEL, mtime=0)
    header = bytearray(data[:10])
    header[3] = gzip.FNAME
    return bytes(header) + b"a" * secrets.randbelow(max_random_bytes) + b"\x00" + data[10:]


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether the client takes gzip: named in Accept-Encoding with a weight above 0 (`gzip;q=0` refuses it, RFC
    9110 §12.5.3; Django's middleware only looks for the word)."""
    for item in accept_encoding.split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        if coding.lower() not in ("gzip", "x-gzip"):
            continue
        for parameter in parameters:
            name, _sep, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


class GZipMiddleware(DjangoGZipMiddleware):
    def process_response(self, request, response):
        if response.has_header("Content-Encoding") or (not response.streaming and len(response.content) < 200):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        if response.streaming:  # downloads, the audit export: Django's own streaming compression
            response.streaming_content = compress_sequence(response.streaming_content,
                                                           max_random_bytes=self.max_random_bytes)
            del response.headers["Content-Length"]
        else:
            compressed = compress(response.content, self.max_random_bytes)
            if len(compressed) >= len(response.content):
                return response
            response.content = compressed
            response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
