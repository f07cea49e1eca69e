"""Real Chromium: an advisory-board member opens the review, sees the charts, writes a review
note; the team lead, with the team's review page open, sees it appear live (and the bell rings)."""
import pytest

from tests.review_helpers import cards, columns

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advisor_reviews_and_the_lead_sees_the_note_live(people, team, login_page, daphne_server):
    todo, done = columns(team)
    cards(team, done, 3)
    cards(team, todo, 2)
    base = daphne_server.url
    lead = login_page(people["lead"])
    lead.goto(f"{base}/teams/{team.slug}/review/")
    lead.wait_for_selector("[data-live-state=live]")
    assert lead.locator(".note-form").count() == 0  # the lead reads notes, does not write them

    advisor = login_page(people["advisor"])
    advisor.goto(f"{base}/review/")
    assert advisor.locator("svg.coverage g.bar").count() == 29
    assert advisor.locator("svg.coverage g.bar[data-goal='3a']:not(.none)").count() == 1
    advisor.click(f"a[href='/teams/{team.slug}/review/']")
    advisor.wait_for_selector("svg.burnup polyline.done")
    assert "3 of 5 tasks done" in advisor.locator("svg.burnup desc").text_content()
    advisor.fill("textarea[name=body]", "Strong start. **Please** add outputs for goal 3b.")
    advisor.click("text=Post review note")
    advisor.wait_for_selector("#note-list .note")

    note = lead.locator("#note-list .note strong", has_text="Please")
    note.wait_for()  # arrived over the team socket, rendered as sanitised Markdown
    assert "Strong start." in lead.locator("#note-list .note").first.text_content()
    lead.wait_for_selector("[data-bell-count]:not([hidden])")
    assert lead.locator("[data-bell-count]").text_content() == "1"
