"""Issue 16's services: one-field card edits, the label manager, enforced WIP limits, Undo (restore, move back).
Run on SQLite and on PostgreSQL (DATABASE_URL)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teams.board.cards import archive_card, create_card, move_card, restore_card, update_card
from teams.board.columns import update_column
from teams.board.labels import PALETTE, create_label, delete_label, labels_from_names, update_label
from teams.board.models import Card, Column, Label
from teams.models import Event
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db


def columns(team):
    return list(Column.objects.filter(team=team, archived=False).order_by("rank", "id"))


def new_card(actor, team, column, title, **extra):
    return Card.objects.get(pk=create_card(actor, team, column=column, title=title, **extra).data["card"])


def contrast_with_white(hex_color):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(int(hex_color[i:i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


def test_every_palette_colour_keeps_white_text_readable():
    assert all(contrast_with_white(hex_color) >= 4.5 for hex_color, _name in PALETTE.values())


def test_one_field_changes_and_the_others_stay(people, team):
    due = datetime.date(2026, 12, 24)
    card = new_card(people["expert"], team, columns(team)[0], "Draft", due_date=due, description="Keep me",
                    labels=["legal"])
    event = update_card(people["expert"], card, version=1, title="Final draft")
    card.refresh_from_db()
    assert event.data["changes"] == ["title"] and card.version == 2
    assert (card.due_date, card.description, [label.name for label in card.labels.all()]) == (due, "Keep me",
                                                                                               ["legal"])
    update_card(people["expert"], card, version=2, due_date=None)
    card.refresh_from_db()
    assert card.due_date is None and card.title == "Final draft" and card.description == "Keep me"


def test_a_stale_field_edit_is_refused_and_the_newer_value_kept(people, team):
    card = new_card(people["expert"], team, columns(team)[0], "Draft")
    update_card(people["lead"], card, version=1, title="Lead's title")
    with pytest.raises(ValidationError) as error:
        update_card(people["expert"], card, version=1, title="Expert's title")
    assert error.value.code == "stale"
    card.refresh_from_db()
    assert card.title == "Lead's title" and card.version == 2


def test_label_manager_creates_renames_recolours_and_deletes(people, team):
    card = new_card(people["expert"], team, columns(team)[0], "Draft", labels=["legal"])
    legal = Label.objects.get(team=team, name="legal")
    created = create_label(people["lead"], team, name="Pilot", color="green")
    assert created.kind == "label.created" and created.data["color"] == "green"
    renamed = update_label(people["lead"], legal, name="Law", color="red")
    assert renamed.data == {"label": legal.pk, "name": "Law", "color": "red", "changes": ["name", "color"]}
    assert [label.name for label in card.labels.all()] == ["Law"]  # the same label, renamed everywhere
    assert update_label(people["lead"], legal, name="Law", color="red") is None  # nothing changed, nothing written
    deleted = delete_label(people["lead"], legal)
    assert deleted.data == {"label": legal.pk, "name": "Law", "cards": [card.pk]}
    assert not card.labels.exists()


@pytest.mark.parametrize("name, color", [("", "green"), ("x" * 41, "green"), ("<b>x</b>", "green"),
                                         ("Fine", "#ff0000"), ("Fine", "chartreuse"), ("pilot", "blue")])
def test_bad_labels_are_refused_and_nothing_written(people, team, name, color):
    create_label(people["lead"], team, name="Pilot", color="green")
    before = (Event.objects.count(), Label.objects.count())
    with pytest.raises(ValidationError):
        create_label(people["lead"], team, name=name, color=color)
    assert (Event.objects.count(), Label.objects.count()) == before


def test_only_board_editors_manage_labels(people, team):
    label = Label.objects.create(team=team, name="legal", color="blue")
    for user in (people["expert"], people["observer"], people["outsider"]):
        with pytest.raises(PermissionDenied):
            create_label(user, team, name="New", color="blue")
        with pytest.raises(PermissionDenied):
            update_label(user, label, name="Other", color="blue")
        with pytest.raises(PermissionDenied):
            delete_label(user, label)
    assert Label.objects.get(pk=label.pk).name == "legal"


def test_another_teams_label_is_not_put_on_a_card(people, team, make_team):
    other = make_team(name="Other team")
    foreign = Label.objects.create(team=other, name="theirs", color="blue")
    with pytest.raises(Label.DoesNotExist):
        labels_from_names(team, [foreign])


def test_enforced_wip_limit_refuses_create_and_move_into_a_full_column(people, team):
    backlog, todo, *_ = columns(team)
    update_column(people["lead"], todo, name=todo.name, wip_limit=1, enforce_wip=True)
    new_card(people["expert"], team, todo, "Only one")
    waiting = new_card(people["expert"], team, backlog, "Waiting")
    before = Event.objects.count()
    with pytest.raises(ValidationError) as refused:
        create_card(people["expert"], team, column=todo, title="Too many")
    assert refused.value.code == "wip_limit"
    with pytest.raises(ValidationError) as refused:
        move_card(people["expert"], waiting, column=todo, after=None, version=waiting.version)
    assert refused.value.code == "wip_limit" and Event.objects.count() == before
    update_column(people["lead"], todo, name=todo.name, wip_limit=1, enforce_wip=False)  # warn only again
    moved = move_card(people["expert"], waiting, column=todo, after=None, version=waiting.version)
    assert moved.data["wip_exceeded"] is True


def test_a_move_within_a_full_column_is_no_arrival(people, team):
    todo = columns(team)[1]
    first, second = (new_card(people["expert"], team, todo, title) for title in ("First", "Second"))
    update_column(people["lead"], todo, name=todo.name, wip_limit=2, enforce_wip=True)
    assert move_card(people["expert"], second, column=todo, after=None, version=second.version) is not None


def test_column_update_keeps_enforcement_unless_given(people, team):
    todo = columns(team)[1]
    event = update_column(people["lead"], todo, name=todo.name, wip_limit=3, enforce_wip=True)
    assert event.data["enforce_wip"] is True and "enforce_wip" in event.data["changes"]
    update_column(people["lead"], todo, name="Next")
    assert Column.objects.get(pk=todo.pk).enforce_wip is True


def test_undo_archive_restores_the_card_where_it_was(people, team):
    todo = columns(team)[1]
    first, second, third = (new_card(people["expert"], team, todo, title) for title in ("A", "B", "C"))
    archived = archive_card(people["expert"], second, version=second.version)
    restored = restore_card(people["expert"], second, version=archived.data["version"])
    assert restored.kind == "card.restored" and restored.data["archived"] is False
    assert list(Card.objects.filter(column=todo, archived=False).order_by("rank").values_list("title", flat=True)) \
        == ["A", "B", "C"]


def test_undo_archive_fails_cleanly_when_the_card_changed_or_the_column_is_full(people, team):
    todo = columns(team)[1]
    card = new_card(people["expert"], team, todo, "A")
    archived = archive_card(people["expert"], card, version=1)
    before = Event.objects.count()
    with pytest.raises(ValidationError) as stale:
        restore_card(people["expert"], card, version=archived.data["version"] - 1)
    assert stale.value.code == "stale"
    update_column(people["lead"], todo, name=todo.name, wip_limit=1, enforce_wip=True)
    new_card(people["expert"], team, todo, "Took its place")
    with pytest.raises(ValidationError) as full:
        restore_card(people["expert"], card, version=archived.data["version"])
    assert full.value.code == "wip_limit" and Card.objects.get(pk=card.pk).archived
    assert Event.objects.count() == before + 2  # the column setting and the new card only
    with pytest.raises(PermissionDenied):
        restore_card(people["observer"], card, version=archived.data["version"])


def test_a_live_card_is_not_restored(people, team):
    card = new_card(people["expert"], team, columns(team)[0], "A")
    with pytest.raises(Card.DoesNotExist):
        restore_card(people["expert"], card, version=1)


def test_undo_move_is_a_move_back_checked_by_version(people, team):
    backlog, todo, *_ = columns(team)
    above, card, below = (new_card(people["expert"], team, backlog, title) for title in ("A", "B", "C"))
    moved = move_card(people["expert"], card, column=todo, after=None, version=card.version)
    back = move_card(people["expert"], card, column=backlog, after=above, version=moved.data["version"])
    assert back.data["column"] == backlog.pk
    assert list(Card.objects.filter(column=backlog, archived=False).order_by("rank")
                .values_list("title", flat=True)) == ["A", "B", "C"]
    with pytest.raises(ValidationError) as stale:  # an Undo after someone else's change fails cleanly
        move_card(people["expert"], card, column=todo, after=None, version=moved.data["version"])
    assert stale.value.code == "stale"


def test_the_label_manager_and_the_inline_editors_read_constantly_as_labels_grow(client, people, team):
    """The board (with its label manager) and the card dialog (with its label choices): the same statements at 3
    labels as at 60, each on many cards."""
    card = new_card(people["expert"], team, columns(team)[0], "Target", labels=["a", "b", "c"])
    client.force_login(people["lead"])
    board_url, card_url = f"/teams/{team.slug}/board/", f"/teams/{team.slug}/board/cards/{card.pk}/"

    def count():
        client.get(board_url)  # warm the per-process caches first
        board, board_sql = statements(lambda: client.get(board_url))
        dialog, dialog_sql = statements(lambda: client.get(card_url, HTTP_HX_REQUEST="true"))
        assert board.status_code == dialog.status_code == 200
        return len(board_sql), len(dialog_sql), board.content.decode(), dialog.content.decode()
    few = count()
    for n in range(57):
        create_label(people["lead"], team, name=f"label {n}", color="blue")
    for n in range(10):
        new_card(people["expert"], team, columns(team)[1], f"Card {n}", labels=[f"label {m}" for m in range(n, n + 5)])
    many = count()
    assert many[2].count("data-label-row=") == 60 + 1 and many[3].count('name="labels"') == 60  # +1: the template
    assert_constant(few[0], many[0], 16, "board page with 3 and 60 labels")
    assert_constant(few[1], many[1], 22, "card dialog with 3 and 60 labels")
