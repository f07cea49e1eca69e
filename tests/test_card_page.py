"""A card has its own page at its URL (a link from chat, a notification, a new tab); the board
opens the same URL as a dialog and puts it in the address bar, so it can be shared."""
import pytest

from teams.board.cards import create_card
from teams.board.checklists import add_checklist_item
from teams.board.models import Card, ChecklistItem, Column

pytestmark = pytest.mark.django_db(transaction=True)


def a_card(people, team, title="Shared card"):
    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    return Card.objects.get(pk=create_card(people["lead"], team, column=column, title=title).data["card"])


def test_card_url_is_a_full_page_and_the_fragment_for_htmx(client, people, team):
    card = a_card(people, team)
    client.force_login(people["expert"])
    url = f"/teams/{team.slug}/board/cards/{card.pk}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    html = page.content.decode()
    assert page.status_code == 200 and "HX-Request" in page["Vary"]
    assert html.startswith("<!doctype html>") and '<header class="topbar">' in html
    assert '<h1 id="card-dialog-title">Shared card</h1>' in html
    assert '<html lang="de">' in html and "Shared card · Data Spaces" in html
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<article class="card-detail"') and "topbar" not in fragment
    # The dialog's forms answer the page in its own shape: no board-only controls there.
    edited = client.post(f"{url}comments/", {"body": "On the page"}, HTTP_HX_REQUEST="true",
                         HTTP_X_CARD_PAGE="1").content.decode()
    assert "On the page" in edited and "data-move-card" not in edited
    in_dialog = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "data-move-card" in in_dialog and "On the page" in in_dialog


@pytest.mark.browser
def test_card_opened_directly_and_from_the_board(closes_connections, login_page, daphne_server, people, team):
    card = a_card(people, team)
    item = add_checklist_item(people["lead"], card, text="Tick me")
    board = f"{daphne_server.url}/teams/{team.slug}/board/"
    card_url = f"{board}cards/{card.pk}/"
    page = login_page(people["expert"], language="de")
    errors, native = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))

    # Opened directly (a new tab, a shared link): the site's layout around the card, live.
    page.goto(card_url)
    assert page.locator("header.topbar nav").is_visible()
    assert page.locator("h1#card-dialog-title").text_content() == "Shared card"
    # Served by the test's daphne with hashed names (settings.STATIC_MANIFEST): app.<hash>.css
    assert page.locator("link[rel=stylesheet][href^='/static/css/app.'][href$='.css']").count() == 1
    page.wait_for_selector("html.is-live")
    page.check(f"[data-check-item='{ChecklistItem.objects.get(card=card).pk}']")
    page.wait_for_function("() => document.querySelector('.card-detail h3 .muted')?.textContent.trim() === '1/1'")
    assert ChecklistItem.objects.get(card=card).done and item is not None
    page.fill(".card-detail textarea[name=body]", "Seen on the page")  # the page's forms get the page's shape back
    page.click(".card-detail form[hx-post$='/comments/'] button")
    page.wait_for_selector(".comments >> text=Seen on the page")
    assert page.locator("[data-move-card]").count() == 0 and page.locator("h1#card-dialog-title").count() == 1

    # From the board: a dialog, and the address is the card's; Back closes it.
    page.goto(board)
    page.wait_for_selector("html.is-live")
    page.click(f"#card-{card.pk} .tile-title")
    page.wait_for_selector("#card-dialog[open] #card-dialog-title")
    assert page.url == card_url
    assert page.locator("header.topbar").count() == 1  # the fragment, not a page in the page
    page.go_back()
    page.wait_for_selector("#card-dialog:not([open])", state="attached")
    assert page.url == board

    # Closing the dialog returns to the board's address too; Forward opens the card again.
    page.click(f"#card-{card.pk} .tile-title")
    page.wait_for_selector("#card-dialog[open]")
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => location.href === {board!r}")
    assert not page.locator("#card-dialog").evaluate("d => d.open")
    page.go_forward()
    page.wait_for_selector("#card-dialog[open] #card-dialog-title")
    assert page.url == card_url

    # Archiving asks in the page's own dialog (not window.confirm): cancelled, the card stays;
    # confirmed, it goes, and the address is the board's again.
    page.click("[data-archive-card]")
    page.wait_for_selector("#confirm-dialog[open]")
    page.click("#confirm-dialog button[value=cancel]")
    page.wait_for_selector("#confirm-dialog:not([open])", state="attached")
    assert not Card.objects.get(pk=card.pk).archived
    page.click("[data-archive-card]")
    page.click("#confirm-dialog button[value=confirm]")
    page.wait_for_selector(f"#card-{card.pk}", state="detached")
    page.wait_for_function(f"() => location.href === {board!r}")
    assert Card.objects.get(pk=card.pk).archived
    assert errors == [] and native == []
