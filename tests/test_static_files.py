"""Static files as a deployment serves them (settings.STATIC_MANIFEST, whitenoise): pages link hashed names,
which come compressed with a cache of years; the plain names keep working for what links them from outside."""
import gzip
import re
import urllib.request

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

TEN_YEARS = 10 * 365 * 24 * 60 * 60


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:  # a redirect, not followed
        return answer.status, answer.headers, b""
    return response.status, response.headers, response.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_pages_link_hashed_static_files_served_compressed_with_a_long_cache(daphne_server):
    status, _headers, html = fetch(f"{daphne_server.url}/login/")
    assert status == 200
    links = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    assert links, html[:500]
    for link in links:
        assert re.search(rb"\.[0-9a-f]{12}\.(css|js)$", link), f"{link!r} has no content hash"
        status, headers, body = fetch(daphne_server.url + link.decode(), **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip", link
        assert gzip.decompress(body)
        cache = headers["Cache-Control"]
        assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= TEN_YEARS, cache

    status, headers, _body = fetch(f"{daphne_server.url}/favicon.ico")
    assert status == 301 and headers["Location"] == "/static/favicon.svg"
    status, headers, body = fetch(f"{daphne_server.url}/static/favicon.svg")
    assert status == 200 and b"<svg" in body
