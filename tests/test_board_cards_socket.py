"""Issue 16's frames over the real ASGI stack: card.update (one field), card.restore, label.*, column.update's
enforce_wip and the wip_limit error; bad input answered with a documented code and nothing written; live for
every viewer and replayed on resume."""
import pytest
from channels.db import database_sync_to_async as sync_to_async

from teams.board.cards import archive_card, create_card
from teams.board.columns import update_column
from teams.board.models import Card, Column, Label
from teams.models import Event, StrategicGoal
from tests.matrix import BOARD_RULES, board_rule
from tests.ws_client import connect, next_event, nothing_pending, request

pytestmark = pytest.mark.django_db(transaction=True)


def board_columns(team):
    return list(Column.objects.filter(team=team, archived=False).order_by("rank"))


@pytest.fixture
def board(people, team):
    cols = board_columns(team)
    event = create_card(people["expert"], team, column=cols[0], title="First", labels=["legal"])
    card = Card.objects.get(pk=event.data["card"])
    return {"team": team, "columns": cols, "card": card, "label": Label.objects.get(team=team, name="legal")}


def snapshot():
    return (Event.objects.count(), list(Card.objects.order_by("pk").values_list("title", "description", "due_date",
                                                                               "priority", "version", "archived")),
            list(Label.objects.order_by("pk").values_list("name", "color")))


async def test_each_field_is_its_own_command_and_every_viewer_sees_it(people, board):
    team, card = board["team"], board["card"]
    goal = await sync_to_async(lambda: team.goals.first())()
    editor = await connect(people["expert"], team)
    watcher = await connect(people["observer"], team)
    edits = [("description", "**Plan**"), ("due_date", "2026-12-24"), ("priority", "high"),
             ("assignees", [people["lead"].pk]), ("labels", []), ("goals", [goal.pk]), ("title", "Renamed"),
             ("due_date", None)]
    try:
        for version, (field, value) in enumerate(edits, start=1):
            ack = await request(editor, {"type": "card.update", "id": field, "card": card.pk, "version": version,
                                         field: value})
            assert ack["type"] == "ack", (field, ack)
            event = await next_event(watcher)
            assert event["event"] == "card.updated" and event["data"]["changes"] == [field]
            assert event["data"]["version"] == version + 1
        saved = await sync_to_async(Card.objects.get)(pk=card.pk)
        assert (saved.title, saved.description, saved.priority, saved.due_date) == ("Renamed", "**Plan**", "high",
                                                                                    None)
    finally:
        await editor.disconnect()
        await watcher.disconnect()


def bad_frames(board, foreign_label, foreign_goal):
    card, label, cols = board["card"], board["label"], board["columns"]
    update = {"type": "card.update", "id": "x", "card": card.pk, "version": 1}
    return [
        ("two fields at once", {**update, "title": "a", "description": "b"}, "invalid"),
        ("no field", update, "invalid"),
        ("empty title", {**update, "title": "  "}, "invalid"),
        ("German date", {**update, "due_date": "24.12.2026"}, "invalid"),
        ("impossible date", {**update, "due_date": "2026-02-30"}, "invalid"),
        ("date a number", {**update, "due_date": 20261224}, "invalid"),
        ("priority unknown", {**update, "priority": "asap"}, "invalid"),
        ("assignees not a list", {**update, "assignees": 5}, "invalid"),
        ("assignee ids as text", {**update, "assignees": ["5"]}, "invalid"),
        ("a non-member assignee", {**update, "assignees": [board["outsider"]]}, "invalid"),
        ("unknown person", {**update, "assignees": [999999]}, "not_found"),
        ("another team's label", {**update, "labels": [foreign_label]}, "not_found"),
        ("a goal the team does not work on", {**update, "goals": [foreign_goal]}, "invalid"),
        ("eleven labels", {**update, "labels": list(range(1, 12))}, "invalid"),
        ("nested lists", {**update, "labels": [[label.pk]]}, "invalid"),
        ("huge description", {**update, "description": "x" * 20001}, "invalid"),
        ("description a list", {**update, "description": ["x"]}, "invalid"),
        ("stale version", {**update, "version": 9, "title": "Late"}, "stale"),
        ("lone surrogate", f'{{"type": "card.update", "card": {card.pk}, "version": 1, "title": "\\ud800"}}',
         "invalid"),
        ("restore a live card", {"type": "card.restore", "id": "x", "card": card.pk, "version": 1}, "not_found"),
        ("label colour as CSS", {"type": "label.create", "id": "x", "name": "n", "color": "#ff0000"}, "invalid"),
        ("label colour as CSS injection", {"type": "label.update", "id": "x", "label": label.pk, "name": "n",
                                           "color": "red;background:url(x)"}, "invalid"),
        ("label name with HTML", {"type": "label.create", "id": "x", "name": "<b>x</b>", "color": "red"}, "invalid"),
        ("label of another team", {"type": "label.delete", "id": "x", "label": foreign_label}, "not_found"),
        ("enforce_wip as text", {"type": "column.update", "id": "x", "column": cols[1].pk, "name": "n",
                                 "enforce_wip": "true"}, "invalid"),
    ]


async def test_bad_frames_are_refused_and_write_nothing(people, board, make_team):
    def foreign():
        other = make_team(name="Someone else's team")
        return (Label.objects.create(team=other, name="theirs", color="blue").pk,
                StrategicGoal.objects.exclude(pk__in=board["team"].goals.values("pk")).first().pk)
    foreign_label, foreign_goal = await sync_to_async(foreign)()
    board["outsider"] = people["outsider"].pk
    lead = await connect(people["lead"], board["team"])
    try:
        for name, frame, code in bad_frames(board, foreign_label, foreign_goal):
            before = await sync_to_async(snapshot)()
            answer = await request(lead, frame)
            assert answer["type"] == "error" and answer["code"] == code, (name, answer)
            assert await sync_to_async(snapshot)() == before, f"{name} wrote something"
    finally:
        await lead.disconnect()


async def test_a_full_enforced_column_refuses_with_wip_limit(people, board):
    team, cols, card = board["team"], board["columns"], board["card"]
    expert = await connect(people["expert"], team)
    lead = await connect(people["lead"], team)
    try:
        ack = await request(lead, {"type": "column.update", "id": "w", "column": cols[1].pk, "name": cols[1].name,
                                   "wip_limit": 1, "is_done": False, "enforce_wip": True})
        assert ack["type"] == "ack"
        event = await next_event(expert)
        assert event["event"] == "column.updated" and event["data"]["enforce_wip"] is True
        kept = await request(lead, {"type": "column.update", "id": "k", "column": cols[1].pk, "name": "Next",
                                    "wip_limit": 1, "is_done": False})  # a client unaware of enforce_wip
        assert kept["type"] == "ack" and (await next_event(expert))["data"]["enforce_wip"] is True
        assert (await request(expert, {"type": "card.create", "id": "1", "column": cols[1].pk,
                                       "title": "Fills it"}))["type"] == "ack"
        before = await sync_to_async(snapshot)()
        refused = await request(expert, {"type": "card.move", "id": "2", "card": card.pk, "column": cols[1].pk,
                                         "version": 1})
        assert refused["type"] == "error" and refused["code"] == "wip_limit" and "full" in refused["message"]
        assert await sync_to_async(snapshot)() == before
    finally:
        await expert.disconnect()
        await lead.disconnect()


async def test_undo_archive_over_the_socket_and_on_resume(people, board):
    team, card = board["team"], board["card"]
    expert = await connect(people["expert"], team)
    try:
        archived = await request(expert, {"type": "card.archive", "id": "a", "card": card.pk, "version": 1})
        restored = await request(expert, {"type": "card.restore", "id": "u", "card": card.pk, "version": 2})
        assert restored["type"] == "ack" and restored["seq"] == archived["seq"] + 1
    finally:
        await expert.disconnect()
    late = await connect(people["observer"], team, after=archived["seq"] - 1)  # replayed from the log
    try:
        assert [event["event"] for event in late.replayed] == ["card.archived", "card.restored"]
        event = late.replayed[1]
        assert event["data"]["card"] == card.pk
        assert event["data"]["archived"] is False and event["data"]["version"] == 3
    finally:
        await late.disconnect()


async def test_a_label_rename_is_one_event_replayed_on_resume(people, board):
    team, label = board["team"], board["label"]
    seq = await sync_to_async(lambda: Event.objects.filter(team=team).order_by("-seq").first().seq)()
    lead = await connect(people["lead"], team)
    try:
        ack = await request(lead, {"type": "label.update", "id": "r", "label": label.pk, "name": "Law",
                                   "color": "green"})
        assert ack["type"] == "ack"
    finally:
        await lead.disconnect()
    late = await connect(people["expert"], team, after=seq)
    try:
        [event] = late.replayed
        assert event["event"] == "label.updated" and event["data"] == {
            "label": label.pk, "name": "Law", "color": "green", "changes": ["name", "color"]}
        assert await nothing_pending(late)
    finally:
        await late.disconnect()


def board_action_frames(board, target_label):
    cols, card = board["columns"], board["card"]
    return {
        "manage_labels": [{"type": "label.create", "name": "Fresh", "color": "blue"},
                          {"type": "label.update", "label": target_label, "name": "Renamed", "color": "red"},
                          {"type": "label.delete", "label": target_label}],
        "set_wip_enforcement": [{"type": "column.update", "column": cols[2].pk, "name": cols[2].name, "wip_limit": 5,
                                 "is_done": False, "enforce_wip": True}],
        "edit_card_field": [{"type": "card.update", "card": card.pk, "version": 1, "description": "New"}],
        "undo": [{"type": "card.restore", "card": board["archived"], "version": 2}],
    }


@pytest.mark.parametrize("role", ["observer", "expert", "lead", "supporter", "field_manager", "advisor", "manager"])
async def test_board_rules_over_the_socket(people, board, role):
    """tests/matrix.py BOARD_ALLOWED, every cell: allowed → ack and an event, refused → forbidden, nothing written."""
    def prepare():
        target = Label.objects.create(team=board["team"], name="Target", color="slate").pk
        archived = create_card(people["lead"], board["team"], column=board["columns"][0], title="Gone")
        archive_card(people["lead"], Card.objects.get(pk=archived.data["card"]), version=1)
        board["archived"] = archived.data["card"]
        update_column(people["lead"], board["columns"][2], name=board["columns"][2].name)
        return target
    target_label = await sync_to_async(prepare)()
    client = await connect(people[role], board["team"])
    try:
        for rule in BOARD_RULES:
            results = []
            for n, frame in enumerate(board_action_frames(board, target_label)[rule]):
                before = await sync_to_async(Event.objects.count)()
                answer = await request(client, {**frame, "id": f"{rule}{n}"})
                wrote = await sync_to_async(Event.objects.count)() > before
                results.append(answer["type"] == "ack" and wrote)
                if answer["type"] == "error":
                    assert answer["code"] == "forbidden" and not wrote, (rule, answer)
            assert results == [board_rule(role, rule)] * len(results), (role, rule, results)
    finally:
        await client.disconnect()
