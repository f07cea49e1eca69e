"""Every main page satisfies the Content-Security-Policy in real Chromium, and the live pages still go live."""

import pytest

from teams.board.cards import create_card
from teams.board.columns import set_up_board
from teams.board.labels import PALETTE, label_color
from teams.board.models import Column
from teams.discussion.posting import post_message
from teams.review import meetings as review_meetings
from tests.discussion_helpers import clear_cache, general

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""



def test_main_pages_have_no_csp_violation_and_still_go_live(closes_connections, login_page, daphne_server,
                                                            people, team):
    from playwright.sync_api import expect

    clear_cache()
    lead = people["lead"]
    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    if column is None:
        set_up_board(team, lead)
        column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    create_card(lead, team, column=column, title="Labelled card", labels=["urgent"])
    channel = general(team)
    post_message(lead, team, channel=channel, body="Hello **team**")
    review_meetings.add_review_note(people["advisor"], team, body="Good progress.")

    page = login_page(people["manager"])
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))

    base = daphne_server.url
    pages = {
        "my teams": "/my/", "directory": "/teams/", "master plan": "/masterplan/",
        "team": f"/teams/{team.slug}/", "board": f"/teams/{team.slug}/board/",
        "channels": f"/teams/{team.slug}/channels/", "desk": "/desk/", "review": "/review/",
        "team review": f"/teams/{team.slug}/review/", "outputs": f"/teams/{team.slug}/outputs/",
        "meetings": "/review/meetings/", "notifications": "/notifications/",
    }
    seen = {}
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response.status == 200, (name, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        if name in ("board", "channels"):
            expect(page.locator("[data-live-state]").first).to_have_attribute("data-live-state", "live")
        if name == "board":
            label = page.locator(".tile .label").first
            expect(label).to_have_text("urgent")
            color = label.evaluate("node => getComputedStyle(node).getPropertyValue('--label').trim()")
            assert color == PALETTE[label_color("urgent")][0]  # board.css paints each palette key
        page.wait_for_load_state("load")
        seen[name] = page.evaluate("window.__csp.slice()")
    violations = {name: found for name, found in seen.items() if found}
    assert violations == {}
    assert [text for text in console if "Content Security Policy" in text] == []


def test_a_real_inline_script_would_be_reported(closes_connections, login_page, daphne_server, people):
    """The listener works: an injected inline script is blocked and recorded."""
    page = login_page(people["manager"])
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(daphne_server.url + "/my/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                              document.body.appendChild(s); }""")
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None
    assert any("Content Security Policy" in text for text in console)
