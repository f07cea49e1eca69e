"""The board against a running daphne: a real socket (websockets) and real Chromium (Playwright)."""
import asyncio
import json

import pytest
from websockets.exceptions import InvalidStatus

from teams.board.cards import create_card, move_card
from teams.board.columns import update_column
from teams.board.models import Card, Column
from tests.ws_client import live_socket, poll, session_cookie, until

pytestmark = pytest.mark.django_db(transaction=True)


def board_columns(team):
    return list(Column.objects.filter(team=team, archived=False).order_by("rank"))


def new_card(people, team, column, title):
    return Card.objects.get(pk=create_card(people["lead"], team, column=column, title=title).data["card"])


# A real socket -----------------------------------------------------------------------------

def ws_connect(server, team, cookie):
    return live_socket(server, f"/ws/teams/{team.slug}/", cookie)


def test_real_socket_live_events_refusal_and_resume(daphne_server, people, team):
    cols = board_columns(team)
    card = new_card(people, team, cols[0], "Over the wire")
    seen = type(team).objects.get(pk=team.pk).last_seq
    cookies = {role: session_cookie(people[role]) for role in ("expert", "observer", "outsider")}

    async def scenario():
        # Non-member and anonymous handshakes are refused.
        for cookie in (cookies["outsider"], None):
            with pytest.raises(InvalidStatus) as refused:
                await ws_connect(daphne_server, team, cookie)
            assert refused.value.response.status_code == 403
        watcher = await ws_connect(daphne_server, team, cookies["observer"])
        mover = await ws_connect(daphne_server, team, cookies["expert"])
        try:
            for socket in (watcher, mover):
                await socket.send(json.dumps({"type": "resume", "after": seen}))
                await until(socket, lambda f: f["type"] == "resumed", timeout=10)
            await mover.send(json.dumps({"type": "card.move", "id": "m", "card": card.pk, "column": cols[2].pk,
                                         "after": None, "version": 1}))
            ack = await until(mover, lambda f: f.get("id") == "m", timeout=10)
            assert ack["type"] == "ack"
            event = await until(watcher, lambda f: f["type"] == "event", timeout=10)
            assert event["event"] == "card.moved" and event["seq"] == ack["seq"] and event["data"]["card"] == card.pk
            await mover.send(json.dumps({"type": "card.move", "id": "n", "card": card.pk, "column": cols[3].pk,
                                         "after": None, "version": 2}))
            latest = await until(mover, lambda f: f.get("id") == "n", timeout=10)
        finally:
            await watcher.close()
            await mover.close()
        # A client that dropped at `seen` resumes: exactly the two missed events, in order.
        late = await ws_connect(daphne_server, team, cookies["observer"])
        try:
            await late.send(json.dumps({"type": "resume", "after": seen}))
            skipped = []
            resumed = await until(late, lambda f: f["type"] == "resumed", timeout=10, skipped=skipped)
            events = [f for f in skipped if f["type"] == "event"]
            assert [e["seq"] for e in events] == [ack["seq"], latest["seq"]] == [seen + 1, seen + 2]
            assert resumed["seq"] == latest["seq"]
        finally:
            await late.close()

    asyncio.run(scenario())
    assert Card.objects.get(pk=card.pk).column_id == cols[3].pk


# Real Chromium -----------------------------------------------------------------------------

def column_order(page, column_id):
    return page.eval_on_selector_all(f"#column-{column_id} li.tile", "tiles => tiles.map(t => t.dataset.card)")


def board_state(page, columns):
    return {column.pk: column_order(page, column.pk) for column in columns}


@pytest.mark.browser
def test_two_people_side_by_side_drag_and_keyboard(closes_connections, login_page, daphne_server, people, team):
    cols = board_columns(team)
    a, b, c = (new_card(people, team, cols[0], title) for title in ("Alpha", "Bravo", "Charlie"))
    url = f"{daphne_server.url}/teams/{team.slug}/board/"
    lead, expert = login_page(people["lead"]), login_page(people["expert"])
    errors = []
    for page in (lead, expert):
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        page.wait_for_selector("html.is-live")
        assert page.text_content("[data-live-state]").strip() == "Live"

    # Drag Alpha from Backlog to In progress; the other person sees it move without reloading.
    lead.drag_and_drop(f"#card-{a.pk}", f"#column-{cols[2].pk} ol.cards")
    expert.wait_for_selector(f"#column-{cols[2].pk} #card-{a.pk}")
    assert poll(lambda: Card.objects.get(pk=a.pk).column_id == cols[2].pk)

    # Reorder within a column: Charlie above Bravo.
    lead.drag_and_drop(f"#card-{c.pk}", f"#card-{b.pk}", target_position={"x": 20, "y": 3})
    expert.wait_for_function(
        f"() => [...document.querySelectorAll('#column-{cols[0].pk} li.tile')].map(t => t.dataset.card).join()"
        f" === '{c.pk},{b.pk}'")

    # Keyboard: focus Bravo, Alt+→ moves it to "To do"; announced for screen readers.
    expert.focus(f"#card-{b.pk}")
    expert.keyboard.press("Alt+ArrowRight")
    lead.wait_for_selector(f"#column-{cols[1].pk} #card-{b.pk}")
    expert.wait_for_function("() => document.getElementById('board-announce').textContent.includes('Bravo')")
    assert poll(lambda: Card.objects.get(pk=b.pk).column_id == cols[1].pk)

    # Both boards agree, with each other, with the database, and after a reload.
    expected = {column.pk: [str(pk) for pk in Card.objects.filter(column=column, archived=False)
                            .order_by("rank", "id").values_list("pk", flat=True)] for column in cols}
    expert.wait_for_function(f"() => document.querySelectorAll('#column-{cols[0].pk} li.tile').length === 1")
    assert board_state(lead, cols) == board_state(expert, cols) == expected
    for page in (lead, expert):
        page.reload()
        page.wait_for_selector("html.is-live")
        assert board_state(page, cols) == expected
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize("language,sentence", [
    ("en", "Moved “Bravo” to {column}, position 1. WIP limit exceeded."),
    ("de", "„Bravo“ nach {column} verschoben, Position 1. WIP-Limit überschritten."),
])
def test_a_move_over_the_wip_limit_is_announced_in_one_translated_sentence(
        closes_connections, login_page, daphne_server, people, team, language, sentence):
    cols = board_columns(team)
    new_card(people, team, cols[1], "Alpha")
    bravo = new_card(people, team, cols[0], "Bravo")
    update_column(people["lead"], cols[1], name=cols[1].name, wip_limit=1)
    page = login_page(people["expert"], language=language)
    page.goto(f"{daphne_server.url}/teams/{team.slug}/board/")
    page.wait_for_selector("html.is-live")
    page.focus(f"#card-{bravo.pk}")
    page.keyboard.press("Alt+ArrowRight")
    page.wait_for_function("() => document.getElementById('board-announce').textContent.includes('Bravo')")
    assert page.text_content("#board-announce") == sentence.format(column=cols[1].name)
    assert poll(lambda: Card.objects.get(pk=bravo.pk).column_id == cols[1].pk)


@pytest.mark.browser
def test_observer_sees_changes_live_but_cannot_drag(closes_connections, login_page, daphne_server, people, team):
    cols = board_columns(team)
    card = new_card(people, team, cols[0], "Watch me")
    observer = login_page(people["observer"])
    observer.goto(f"{daphne_server.url}/teams/{team.slug}/board/")
    observer.wait_for_selector("html.is-live")
    assert observer.get_attribute(f"#card-{card.pk}", "draggable") is None
    assert observer.query_selector("[data-add-card]") is None
    lead = login_page(people["lead"])
    lead.goto(f"{daphne_server.url}/teams/{team.slug}/board/")
    lead.wait_for_selector("html.is-live")
    lead.fill(f"#add-{cols[1].pk}", "Fresh: 1<2 & <i so")
    lead.press(f"#add-{cols[1].pk}", "Enter")
    observer.wait_for_selector(f"#column-{cols[1].pk} li.tile")
    assert observer.text_content(f"#column-{cols[1].pk} li.tile .tile-title") == "Fresh: 1<2 & <i so"
    assert observer.query_selector(f"#column-{cols[1].pk} li.tile i") is None  # text, never markup
    assert observer.text_content(f"#column-{cols[1].pk} .count .n") == "1"

    # The card dialog (htmx, CSRF): the lead comments and ticks a checklist item; the observer's tile follows.
    lead.click(f"#column-{cols[1].pk} li.tile .tile-title")
    lead.wait_for_selector("#card-dialog[open] textarea[name=body]")
    lead.fill("#card-dialog textarea[name=body]", "**Looks good** <script>window.pwned = 1</script>")
    lead.click("#card-dialog form[hx-post$='/comments/'] button")
    lead.wait_for_selector("#card-dialog .comments strong >> text=Looks good")
    lead.fill("#card-dialog input[name=text]", "Ask the DPO")
    lead.click("#card-dialog form[hx-post$='/checklist/'] button")
    lead.wait_for_selector("#card-dialog [data-check-item]")
    lead.check("#card-dialog [data-check-item]")
    observer.wait_for_selector(f"#column-{cols[1].pk} li.tile .comments >> text=1")
    observer.wait_for_selector(f"#column-{cols[1].pk} li.tile .check >> text=1/1")
    assert lead.evaluate("() => window.pwned") is None
    # Daphne hangs on exit with a request in flight. The lead's tile shows the tick once its handler has asked
    # for the dialog refresh (htmx queues it on <body>); then the refreshed dialog shows it, no request left.
    lead.wait_for_selector(f"#column-{cols[1].pk} li.tile .check >> text=1/1")
    lead.wait_for_selector("body:not(.htmx-request) #card-dialog [data-check-item][checked]")


@pytest.mark.browser
def test_a_dropped_connection_disables_edits_and_resumes_without_losing_changes(
        closes_connections, login_page, daphne_server, people, team, monkeypatch):
    import tests.conftest as conftest

    cols = board_columns(team)
    card = new_card(people, team, cols[0], "Survivor")
    page = login_page(people["expert"])
    page.goto(f"{daphne_server.url}/teams/{team.slug}/board/")
    page.wait_for_selector("html.is-live")

    daphne_server.stop()  # the server goes away
    page.wait_for_function("() => !document.documentElement.classList.contains('is-live')")
    state = page.get_attribute("[data-live-state]", "data-live-state")
    assert state in ("reconnecting", "offline")
    assert page.eval_on_selector(f"#add-{cols[0].pk}", "e => getComputedStyle(e).pointerEvents") == "none"
    # Really disabled, not only greyed: the keyboard cannot reach it either.
    assert page.is_disabled(f"#add-{cols[0].pk}")
    page.focus(f"#add-{cols[0].pk}")
    assert page.evaluate("document.activeElement.id") != f"add-{cols[0].pk}"
    page.focus(f"#card-{card.pk}")
    page.keyboard.press("Alt+ArrowRight")  # refused locally: nothing is sent against a stale board
    assert page.is_visible("#error-banner") and column_order(page, cols[0].pk) == [str(card.pk)]

    # Meanwhile others work on the board (the event log records it; no one rings this page).
    move_card(people["lead"], card, column=cols[3], after=None, version=1)
    fresh = new_card(people, team, cols[1], "Made while you were away")

    monkeypatch.setattr(conftest, "free_port", lambda: daphne_server.port)
    server = conftest.Daphne()  # back on the same address
    try:
        page.wait_for_selector("html.is-live", timeout=40_000)
        page.wait_for_selector(f"#column-{cols[3].pk} #card-{card.pk}")
        page.wait_for_selector(f"#column-{cols[1].pk} #card-{fresh.pk}")
        assert page.text_content("[data-live-state]").strip() == "Live"
        assert page.is_enabled(f"#add-{cols[0].pk}")
        before = board_state(page, cols)
        page.reload()
        page.wait_for_selector("html.is-live")
        assert board_state(page, cols) == before
    finally:
        server.stop()


@pytest.mark.browser
def test_move_to_menu_on_a_phone_and_column_drag(closes_connections, login_page, daphne_server, people, team):
    cols = board_columns(team)
    card = new_card(people, team, cols[0], "Pocket task")
    new_card(people, team, cols[4], "Already done")
    url = f"{daphne_server.url}/teams/{team.slug}/board/"
    phone = login_page(people["expert"])
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(url)
    phone.wait_for_selector("html.is-live")
    phone.click(f"#card-{card.pk} .tile-title")
    phone.wait_for_selector("#card-dialog[open] [data-move-to]")
    phone.select_option("[data-move-to] select[name=column]", str(cols[4].pk))
    phone.select_option("[data-move-to] select[name=position]", "bottom")
    phone.click("[data-move-card]")
    phone.wait_for_function(
        f"() => document.querySelector('#column-{cols[4].pk} li.tile:last-child')?.id === 'card-{card.pk}'")
    phone.wait_for_selector("#card-dialog[open] >> text=in Done")  # the dialog follows the move
    assert poll(lambda: Card.objects.get(pk=card.pk).column_id == cols[4].pk)

    lead = login_page(people["lead"])
    lead.goto(url)
    lead.wait_for_selector("html.is-live")
    lead.set_viewport_size({"width": 1600, "height": 900})  # all columns in view: no scrolling mid-drag
    lead.drag_and_drop(f"#column-{cols[3].pk} .column-head", f"#column-{cols[0].pk} .column-head",
                       target_position={"x": 5, "y": 5})
    first = f"() => document.querySelector('#board section.column[data-column]').id === 'column-{cols[3].pk}'"
    lead.wait_for_function(first)
    phone.wait_for_function(first)  # the other viewer's columns follow
    assert poll(lambda: [c.pk for c in board_columns(team)] == [cols[3].pk, cols[0].pk, cols[1].pk, cols[2].pk,
                                                                  cols[4].pk])


@pytest.mark.browser
def test_a_client_that_claims_more_than_the_log_takes_the_servers_position_and_hears_new_events(
        closes_connections, login_page, daphne_server, people, team):
    """LiveTeam resumed with a seq past the log's end (a restored server) adopts resumed.seq, or it would skip
    the next events; the server clamps it (docs/realtime.md, Resume)."""
    cols = board_columns(team)
    page = login_page(people["expert"])
    page.goto(f"{daphne_server.url}/teams/{team.slug}/board/")
    page.wait_for_selector("html.is-live")
    ahead = type(team).objects.get(pk=team.pk).last_seq + 1000
    page.evaluate("""([slug, seq]) => {
        window.heard = [];
        window.ahead = LiveTeam.connect(slug, seq).on("card.created", (data) => window.heard.push(data.title));
    }""", [team.slug, ahead])
    page.wait_for_function("() => window.ahead.state === 'live'")
    page.evaluate("([column]) => window.ahead.send('card.create', {column: column, title: 'Heard after all'})",
                  [cols[0].pk])
    page.wait_for_function("() => window.heard.includes('Heard after all')")
