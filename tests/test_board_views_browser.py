"""The board's list view and swimlanes, touch drag, and My tasks, in Chromium against a live daphne, two people."""
import datetime

import pytest
from django.utils import timezone

from teams.board.cards import create_card
from teams.board.models import Card, Column
from tests.ws_client import poll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def board_columns(team):
    return list(Column.objects.filter(team=team, archived=False).order_by("rank"))


def new_card(people, team, column, title, **fields):
    return Card.objects.get(pk=create_card(people["lead"], team, column=column, title=title, **fields).data["card"])


def fresh(card):
    return Card.objects.get(pk=card.pk)


def open_board(page, server, team, query=""):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/teams/{team.slug}/board/{query}")
    page.wait_for_selector("html.is-live")
    return errors


def post(page, url, form):
    """POST a form from `page` (the other person's browser, with its session and CSRF token): the change goes
    through daphne, which rings every viewer (a service called in the test process could not reach the
    server's channel layer)."""
    return page.evaluate("""([url, form]) => {
      const data = new FormData();
      Object.entries(form).forEach(([name, value]) =>
        (Array.isArray(value) ? value : [value]).forEach((one) => data.append(name, String(one))));
      const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
      return fetch(url, {method: "POST", body: data, headers: {"X-CSRFToken": token, "HX-Request": "true"}})
        .then((response) => response.status);
    }""", [url, form])


def edit_card(page, team, card, **fields):
    """Change the card's fields as its inline editor does: one `card.update` per field on the team's board socket
    (a tab of `page`'s person on that board), each with the version the one before left."""
    tab = page.context.new_page()
    tab.goto(page.url.split("/teams/")[0] + f"/teams/{team.slug}/board/")
    tab.wait_for_selector("html.is-live")
    for name, value in fields.items():
        ack = send(tab, "card.update", {"card": card.pk, "version": fresh(card).version, name: value})
        assert ack.get("type") == "ack", ack
    tab.close()


def send(page, kind, frame):
    """A command on `page`'s board socket; its ack."""
    return page.evaluate("([kind, frame]) => window.boardLive.send(kind, frame)", [kind, frame])


def list_titles(page):
    return page.eval_on_selector_all("#board-list tbody tr td.title", "cells => cells.map(c => c.textContent)")


def test_list_view_sorts_by_keyboard_is_remembered_and_live(closes_connections, login_page, daphne_server, people,
                                                           team):
    cols = board_columns(team)
    today = timezone.localdate()
    new_card(people, team, cols[0], "Bravo", due_date=today + datetime.timedelta(days=3))
    new_card(people, team, cols[1], "alpha", assignees=[people["expert"]])
    charlie = new_card(people, team, cols[2], "Charlie", due_date=today)
    expert, lead = login_page(people["expert"]), login_page(people["lead"])
    errors = open_board(expert, daphne_server, team) + open_board(lead, daphne_server, team)

    expert.click("#board-views [data-view=list]")
    expert.wait_for_selector("#board-list:not([hidden])")
    assert expert.is_hidden("#board") and expert.get_attribute("[data-view=list]", "aria-pressed") == "true"
    assert list_titles(expert) == ["Bravo", "alpha", "Charlie"]  # board order first
    expert.focus("th[data-sort=title] button")
    expert.keyboard.press("Enter")
    assert list_titles(expert) == ["alpha", "Bravo", "Charlie"]
    assert expert.get_attribute("th[data-sort=title]", "aria-sort") == "ascending"
    expert.keyboard.press("Enter")
    assert list_titles(expert) == ["Charlie", "Bravo", "alpha"]
    assert expert.get_attribute("th[data-sort=title]", "aria-sort") == "descending"
    expert.click("th[data-sort=due] button")
    assert list_titles(expert) == ["Charlie", "Bravo", "alpha"]  # no due date last
    assert expert.get_attribute("th[data-sort=title]", "aria-sort") == "none"
    row = expert.locator("#board-list tr", has_text="alpha")
    assert row.locator("td.people").text_content() == "Expert Tester"

    # The other person's changes arrive in the rows: a move, a new card, an archived one.
    send(lead, "card.move", {"card": charlie.pk, "column": cols[4].pk, "version": fresh(charlie).version})
    expert.wait_for_function(f"() => document.querySelector('#board-list tr[data-card=\"{charlie.pk}\"] td.column')"
                             f"?.textContent === {cols[4].name!r}")
    lead.fill(f"#add-{cols[0].pk}", "Delta")
    lead.press(f"#add-{cols[0].pk}", "Enter")
    expert.wait_for_selector("#board-list td.title >> text=Delta")
    send(lead, "card.archive", {"card": charlie.pk, "version": fresh(charlie).version})
    expert.wait_for_function(f"() => !document.querySelector('#board-list tr[data-card=\"{charlie.pk}\"]')")

    # The filters apply (server-rendered), and the choice of view outlives a reload.
    expert.check("#board-filters input[name=mine]")
    expert.wait_for_url("**mine=1**")
    expert.wait_for_selector("html.is-live")
    assert list_titles(expert) == ["alpha"]
    expert.click("#board-list td.title a")
    expert.wait_for_selector("#card-dialog[open]")
    assert errors == []


def test_swimlanes_by_assignee_and_goal_move_columns_live(closes_connections, login_page, daphne_server, people,
                                                         team):
    cols = board_columns(team)
    goal = team.goals.first()
    mine = new_card(people, team, cols[0], "Mine", assignees=[people["expert"]], goals=[goal])
    theirs = new_card(people, team, cols[0], "Theirs", assignees=[people["lead"]])
    nobody = new_card(people, team, cols[1], "Nobody's")
    expert, lead = login_page(people["expert"]), login_page(people["lead"])
    lead.set_viewport_size({"width": 1600, "height": 900})
    errors = open_board(expert, daphne_server, team) + open_board(lead, daphne_server, team)
    expert.set_viewport_size({"width": 1600, "height": 1200})
    expert.select_option("#board-lanes-by", "assignee")
    expert.wait_for_selector("#board-lanes:not([hidden]) .lane")
    lane = f".lane[data-lane=\"{people['expert'].pk}\"]"
    assert expert.is_hidden("#board")
    assert expert.locator(f"{lane} li.tile").all_text_contents()[0].strip().endswith("Mine") or \
        expert.locator(f"{lane} .tile-title").all_text_contents() == ["Mine"]
    assert expert.locator(".lane[data-lane=''] .tile-title").all_text_contents() == ["Nobody's"]

    # Dragging within a lane changes the column only (the assignee stays).
    expert.drag_and_drop(f"{lane} li.tile[data-card=\"{mine.pk}\"]",
                         f"{lane} .lane-column[data-column=\"{cols[2].pk}\"] ol.cards")
    lead.wait_for_selector(f"#column-{cols[2].pk} #card-{mine.pk}")
    assert poll(lambda: fresh(mine).column_id == cols[2].pk)
    assert list(fresh(mine).assignees.all()) == [people["expert"]]
    expert.wait_for_selector(f"{lane} .lane-column[data-column=\"{cols[2].pk}\"] li.tile[data-card=\"{mine.pk}\"]")

    # Another person's change of assignee moves the card to its new lane; the choice is remembered.
    edit_card(lead, team, theirs, assignees=[people["expert"].pk])
    expert.wait_for_selector(f"{lane} li.tile[data-card=\"{theirs.pk}\"]")
    expert.reload()
    expert.wait_for_selector("html.is-live")
    assert expert.is_visible(f"{lane} li.tile[data-card=\"{theirs.pk}\"]")

    expert.select_option("#board-lanes-by", "goal")
    expert.wait_for_selector(f".lane[data-lane=\"{goal.pk}\"] li.tile[data-card=\"{mine.pk}\"]")
    assert expert.locator(".lane[data-lane=''] .lane-name").text_content().startswith("No goal")
    send(lead, "card.move", {"card": mine.pk, "column": cols[1].pk, "version": fresh(mine).version})
    expert.wait_for_selector(f".lane[data-lane=\"{goal.pk}\"] .lane-column[data-column=\"{cols[1].pk}\"] "
                             f"li.tile[data-card=\"{mine.pk}\"]")
    assert errors == []
    del nobody


def touch_drag(page, handle, target):
    """A finger on the handle, moved onto `target` and lifted: pointer events as a touch screen sends them."""
    page.evaluate("""([handle, target]) => {
      const from = document.querySelector(handle).getBoundingClientRect();
      const to = document.querySelector(target).getBoundingClientRect();
      const fire = (element, type, x, y) => element.dispatchEvent(new PointerEvent(type, {
        bubbles: true, cancelable: true, pointerId: 7, pointerType: "touch", isPrimary: true, clientX: x, clientY: y}));
      const grip = document.querySelector(handle);
      fire(grip, "pointerdown", from.left + 3, from.top + 3);
      fire(grip, "pointermove", (from.left + to.left) / 2, (from.top + to.top) / 2);
      fire(grip, "pointermove", to.left + 10, to.bottom - 4);
      fire(grip, "pointerup", to.left + 10, to.bottom - 4);
    }""", [handle, target])


def test_touch_drag_by_the_handle_sends_the_same_move(closes_connections, login_page, daphne_server, people, team):
    cols = board_columns(team)
    card = new_card(people, team, cols[0], "Thumb")
    new_card(people, team, cols[1], "Already there")
    phone = login_page(people["expert"], has_touch=True, is_mobile=True)
    phone.set_viewport_size({"width": 1600, "height": 900})  # every column in view: elementFromPoint sees it
    lead = login_page(people["lead"])
    errors = open_board(phone, daphne_server, team) + open_board(lead, daphne_server, team)
    assert phone.evaluate("() => getComputedStyle(document.querySelector('.drag-handle')).touchAction") == "none"
    touch_drag(phone, f"#card-{card.pk} .drag-handle", f"#column-{cols[1].pk} ol.cards")
    lead.wait_for_function(f"() => document.querySelector('#column-{cols[1].pk} li.tile:last-child')?.id"
                           f" === 'card-{card.pk}'")
    assert poll(lambda: fresh(card).column_id == cols[1].pk)
    assert phone.is_hidden("#card-dialog[open]")  # a drag is not a tap on the card

    # In the swimlanes too (the move's Undo toast dismissed first: it lies over the lanes' bottom edge).
    phone.wait_for_selector("#undo-toast:not([hidden])")
    phone.keyboard.press("Escape")
    phone.wait_for_selector("#undo-toast", state="hidden")
    phone.select_option("#board-lanes-by", "assignee")
    lane_copy = f".lane[data-lane=''] li.tile[data-card=\"{card.pk}\"]"
    phone.wait_for_selector(lane_copy)
    touch_drag(phone, f"{lane_copy} .drag-handle", f".lane[data-lane=''] .lane-column[data-column=\"{cols[3].pk}\"]")
    lead.wait_for_selector(f"#column-{cols[3].pk} #card-{card.pk}")
    assert poll(lambda: fresh(card).column_id == cols[3].pk)
    assert errors == []


def test_my_tasks_live_across_teams(closes_connections, login_page, daphne_server, people, make_team):
    first, second = make_team(name="First team"), make_team(name="Second team")
    today = timezone.localdate()
    late = new_card(people, first, board_columns(first)[0], "Late one", assignees=[people["expert"]],
                    due_date=today - datetime.timedelta(days=2))
    elsewhere = new_card(people, second, board_columns(second)[1], "Elsewhere")
    page, lead = login_page(people["expert"]), login_page(people["lead"])
    open_board(lead, daphne_server, first)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.click("nav a.tasks-link")
    page.wait_for_selector("[data-live-state=live]")
    assert page.locator("[data-group=overdue] .task-title").all_text_contents() == ["Late one"]

    # Assigned in another team: it appears; its due date today puts it under Today.
    edit_card(lead, second, elsewhere, assignees=[people["expert"].pk], due_date=today.isoformat())
    page.wait_for_selector("[data-group=today] .task-title >> text=Elsewhere")
    assert "Second team" in page.text_content(f"#task-{elsewhere.pk}")
    # Unassigned, or moved to a done column: it goes.
    edit_card(lead, second, elsewhere, assignees=[])
    page.wait_for_selector(f"#task-{elsewhere.pk}", state="detached")
    done = [column for column in board_columns(first) if column.is_done][0]
    send(lead, "card.move", {"card": late.pk, "column": done.pk, "version": fresh(late).version})
    page.wait_for_selector(f"#task-{late.pk}", state="detached")
    page.wait_for_selector(".my-tasks .empty")

    # Removed from a team: its cards leave the list (assigned still, but no longer mine to see); the page stays live.
    edit_card(lead, second, elsewhere, assignees=[people["expert"].pk])
    page.wait_for_selector(f"#task-{elsewhere.pk}")
    membership = second.memberships.get(user=people["expert"])
    assert post(lead, f"/teams/{second.slug}/members/{membership.pk}/remove/", {"confirm": 1}) == 200
    assert not second.memberships.filter(user=people["expert"]).exists()
    page.wait_for_selector(f"#task-{elsewhere.pk}", state="detached")
    assert page.get_attribute("[data-live-state]", "data-live-state") == "live"
    assert errors == []
