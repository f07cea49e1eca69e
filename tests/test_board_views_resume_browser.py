"""What happened while the server was away reaches My tasks and the board's list on resume (the event log)."""
import pytest

from teams.board.cards import create_card, move_card, update_card
from teams.board.models import Card, Column

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_my_tasks_and_the_list_replay_on_resume(closes_connections, login_page, daphne_server, people, team,
                                               monkeypatch):
    import tests.conftest as conftest

    cols = list(Column.objects.filter(team=team, archived=False).order_by("rank"))
    done = [column for column in cols if column.is_done][0]
    mine = Card.objects.get(pk=create_card(people["lead"], team, column=cols[0], title="Mine first",
                                           assignees=[people["expert"]]).data["card"])
    other = Card.objects.get(pk=create_card(people["lead"], team, column=cols[1], title="Not yet").data["card"])
    tasks, board = login_page(people["expert"]), login_page(people["expert"])
    tasks.goto(f"{daphne_server.url}/my/tasks/")
    tasks.wait_for_selector("html.is-live")
    board.goto(f"{daphne_server.url}/teams/{team.slug}/board/?view=list")
    board.wait_for_selector("html.is-live")
    board.wait_for_selector("#board-list tbody tr >> nth=1")

    daphne_server.stop()
    for page in (tasks, board):
        page.wait_for_function("() => !document.documentElement.classList.contains('is-live')")
    # Meanwhile (no one rings these pages; the event log records it):
    move_card(people["lead"], mine, column=done, version=mine.version)
    update_card(people["lead"], other, version=other.version, assignees=[people["expert"]])

    monkeypatch.setattr(conftest, "free_port", lambda: daphne_server.port)
    server = conftest.Daphne()  # back on the same address
    try:
        for page in (tasks, board):
            page.wait_for_selector("html.is-live", timeout=40_000)
        tasks.wait_for_selector(f"#task-{mine.pk}", state="detached")
        tasks.wait_for_selector(f"#task-{other.pk}")
        board.wait_for_function(f"() => document.querySelector('#board-list tr[data-card=\"{mine.pk}\"] td.column')"
                                f"?.textContent === {done.name!r}")
        board.wait_for_function(f"() => document.querySelector('#board-list tr[data-card=\"{other.pk}\"] td.people')"
                                "?.textContent === 'Expert Tester'")
    finally:
        server.stop()
