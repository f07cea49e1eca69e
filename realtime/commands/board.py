"""Board commands: each frame names ids of this team's board; each handler calls one service.

Ids are looked up within the connection's team, so naming another team's card or column
finds nothing ("not_found"); permissions, versions and validation are the services' job.
Frames are documented in docs/board.md.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from teams.board.cards import archive_card, create_card, move_card, restore_card, update_card
from teams.board.checklists import set_checklist_item
from teams.board.columns import archive_column, create_column, move_column, update_column
from teams.board.forms import (
    CardArchiveFrame,
    CardCreateFrame,
    CardMoveFrame,
    CardRenameFrame,
    CardRestoreFrame,
    CardUpdateFrame,
    ChecklistCheckFrame,
    ColumnArchiveFrame,
    ColumnCreateFrame,
    ColumnMoveFrame,
    ColumnUpdateFrame,
    LabelCreateFrame,
    LabelDeleteFrame,
    LabelUpdateFrame,
)
from teams.board.labels import create_label, delete_label, update_label
from teams.board.models import Card, ChecklistItem, Column, Label
from teams.models import Event, StrategicGoal, Team

from ..protocol import command


def _card(team: Team, pk: int) -> Card:
    return Card.objects.select_related("team").get(pk=pk, team=team, archived=False)


def _column(team: Team, pk: int) -> Column:
    return Column.objects.select_related("team").get(pk=pk, team=team, archived=False)


@command("card.create", CardCreateFrame)
def card_create(user: User, team: Team, data: dict) -> Event | None:
    return create_card(user, team, column=_column(team, data["column"]), title=data["title"],
                                position=data.get("position") or "bottom")


@command("card.move", CardMoveFrame)
def card_move(user: User, team: Team, data: dict) -> Event | None:
    card = _card(team, data["card"])
    after = _card(team, data["after"]) if data.get("after") else None
    return move_card(user, card, column=_column(team, data["column"]), after=after,
                              version=data["version"])


@command("card.rename", CardRenameFrame)
def card_rename(user: User, team: Team, data: dict) -> Event | None:
    return update_card(user, _card(team, data["card"]), version=data["version"], title=data["title"])


@command("card.archive", CardArchiveFrame)
def card_archive(user: User, team: Team, data: dict) -> Event | None:
    return archive_card(user, _card(team, data["card"]), version=data["version"])


def _all(model, pks: list[int], **within) -> list:
    """The rows of these ids (within the team), or DoesNotExist ("not_found") if any is unknown."""
    found = list(model.objects.filter(pk__in=pks, **within))
    if len(found) != len(pks):
        raise model.DoesNotExist
    return found


@command("card.update", CardUpdateFrame)
def card_update(user: User, team: Team, data: dict) -> Event | None:
    field, value = data["field"], data[data["field"]]
    if field == "assignees":
        value = _all(get_user_model(), value)  # the service refuses people who are not members
    elif field == "labels":
        value = _all(Label, value, team=team)
    elif field == "goals":
        value = _all(StrategicGoal, value)  # the service refuses goals the team does not work on
    return update_card(user, _card(team, data["card"]), version=data["version"], **{field: value})


@command("card.restore", CardRestoreFrame)
def card_restore(user: User, team: Team, data: dict) -> Event | None:
    card = Card.objects.select_related("team").get(pk=data["card"], team=team, archived=True)
    return restore_card(user, card, version=data["version"])


@command("label.create", LabelCreateFrame)
def label_create(user: User, team: Team, data: dict) -> Event | None:
    return create_label(user, team, name=data["name"], color=data["color"])


@command("label.update", LabelUpdateFrame)
def label_update(user: User, team: Team, data: dict) -> Event | None:
    label = Label.objects.select_related("team").get(pk=data["label"], team=team)
    return update_label(user, label, name=data["name"], color=data["color"])


@command("label.delete", LabelDeleteFrame)
def label_delete(user: User, team: Team, data: dict) -> Event | None:
    return delete_label(user, Label.objects.select_related("team").get(pk=data["label"], team=team))


@command("checklist.check", ChecklistCheckFrame)
def checklist_check(user: User, team: Team, data: dict) -> Event | None:
    item = ChecklistItem.objects.select_related("card__team").get(pk=data["item"], card__team=team)
    return set_checklist_item(user, item, done=data["done"])


@command("column.create", ColumnCreateFrame)
def column_create(user: User, team: Team, data: dict) -> Event | None:
    return create_column(user, team, name=data["name"], wip_limit=data.get("wip_limit"))


@command("column.update", ColumnUpdateFrame)
def column_update(user: User, team: Team, data: dict) -> Event | None:
    return update_column(user, _column(team, data["column"]), name=data["name"],
                                  wip_limit=data.get("wip_limit"), is_done=data.get("is_done"),
                                  enforce_wip=data.get("enforce_wip"))


@command("column.move", ColumnMoveFrame)
def column_move(user: User, team: Team, data: dict) -> Event | None:
    after = _column(team, data["after"]) if data.get("after") else None
    return move_column(user, _column(team, data["column"]), after=after)


@command("column.archive", ColumnArchiveFrame)
def column_archive(user: User, team: Team, data: dict) -> Event | None:
    return archive_column(user, _column(team, data["column"]))
