"""The API's pages in real Chromium: the interactive docs render every operation under the site's CSP (no
violation), and the account page's token, made there and shown once, opens the API."""
import re

import pytest
import requests

from tests.test_security_csp_browser import RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_render_under_the_csp_and_a_token_made_on_the_account_page_works(closes_connections, login_page,
                                                                             daphne_server, people):
    from playwright.sync_api import expect

    page = login_page(people["expert"])
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{daphne_server.url}/api/v1/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 35
    assert page.evaluate("window.__csp") == []
    assert not [text for text in console if "Content Security Policy" in text]

    page.goto(f"{daphne_server.url}/account/")
    page.fill("#id_name", "Intranet")
    page.select_option("#id_scope", "read")
    page.click("#api-tokens button.primary")
    token = page.locator(".token-secret").inner_text()
    assert re.fullmatch(r"hc_[0-9a-f]{8}_\S{43}", token)
    answer = requests.get(f"{daphne_server.url}/api/v1/notifications/", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["results"] == []
    page.goto(f"{daphne_server.url}/account/")  # the list names it, without its secret
    assert token not in page.content() and "Intranet" in page.content() and token[:12] in page.content()
