"""Every page names its icon, and /favicon.ico (which browsers ask for regardless) leads to it."""
import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_svg_icon_every_page_links(client, people):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)

    for path in ("/login/", "/my/"):
        if path == "/my/":
            client.force_login(people["expert"])
        page = client.get(path)
        assert page.status_code == 200
        assert b'<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.content
