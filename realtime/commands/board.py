"""Board commands: each frame names ids of this team's board; each handler calls one service.

Ids are looked up within the connection's team, so naming another team's card or column
finds nothing ("not_found"); permissions, versions and validation are the services' job.
Frames are documented in docs/board.md.
"""
from django.contrib.auth.models import User

from teams.board.cards import archive_card, create_card, move_card, update_card
from teams.board.checklists import set_checklist_item
from teams.board.columns import archive_column, create_column, move_column, update_column
from teams.board.forms import (
    CardArchiveFrame,
    CardCreateFrame,
    CardMoveFrame,
    CardRenameFrame,
    ChecklistCheckFrame,
    ColumnArchiveFrame,
    ColumnCreateFrame,
    ColumnMoveFrame,
    ColumnUpdateFrame,
)
from teams.board.models import Card, ChecklistItem, Column
from teams.models import Event, Team

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
                                  wip_limit=data.get("wip_limit"), is_done=data.get("is_done"))


@command("column.move", ColumnMoveFrame)
def column_move(user: User, team: Team, data: dict) -> Event | None:
    after = _column(team, data["after"]) if data.get("after") else None
    return move_column(user, _column(team, data["column"]), after=after)


@command("column.archive", ColumnArchiveFrame)
def column_archive(user: User, team: Team, data: dict) -> Event | None:
    return archive_column(user, _column(team, data["column"]))
