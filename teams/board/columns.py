"""Columns: the board's structure (Action.EDIT: leads, supporting field-of-action managers,
cluster management). Each service follows `teams.permissions.lock_and_require_board`'s lock
contract: it locks the team row first and re-reads what it changes inside the lock.
"""
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teams import events
from teams.models import Event, Team
from teams.permissions import Action, lock_and_require_board

from . import ranks
from .models import Column
from .state import column_state, live_cards, live_columns, reranked_data, wip_exceeded

DEFAULT_COLUMNS = [  # name, is_done
    (gettext_lazy("Backlog"), False),
    (gettext_lazy("To do"), False),
    (gettext_lazy("In progress"), False),
    (gettext_lazy("Review"), False),
    (gettext_lazy("Done"), True),
]


MAX_COLUMNS = 20


def set_up_board(team: Team, actor: User | None) -> Event | None:
    """Called when a team is launched (inside its transaction): the default columns."""
    if Column.objects.filter(team=team).exists():
        return None
    keys = ranks.spread(len(DEFAULT_COLUMNS))
    Column.objects.bulk_create(Column(team=team, name=str(name), rank=key, is_done=is_done)
                               for (name, is_done), key in zip(DEFAULT_COLUMNS, keys))
    columns = Column.objects.filter(team=team).order_by("rank")
    return events.record(team, "board.created", actor, {"columns": [column_state(column) for column in columns]})


def _clean_column(name: str, wip_limit: int | str | None) -> tuple[str, int | None]:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the column a name.")})
    if len(name) > 60:
        raise ValidationError({"name": _("A column name has at most 60 characters.")})
    if wip_limit is not None and not (1 <= int(wip_limit) <= 999):
        raise ValidationError({"wip_limit": _("A WIP limit is a number from 1 to 999, or empty.")})
    return name, (int(wip_limit) if wip_limit is not None else None)


@transaction.atomic
def create_column(actor: User, team: Team, *, name: str, wip_limit: int | None = None, is_done: bool = False,
                  after: Column | None = None) -> Event:
    team = lock_and_require_board(actor, Action.EDIT, team)
    name, wip_limit = _clean_column(name, wip_limit)
    columns = live_columns(team)
    if columns.count() >= MAX_COLUMNS:
        raise ValidationError(_("A board has at most %(n)d columns.") % {"n": MAX_COLUMNS})
    if after is None:
        after = columns.order_by("rank", "id").last()  # new columns go to the right by default
    elif after.team_id != team.pk or after.archived:
        raise Column.DoesNotExist
    rank, reranked = ranks.rank_after(columns, after)
    column = Column.objects.create(team=team, name=name, wip_limit=wip_limit, is_done=bool(is_done), rank=rank)
    if reranked:
        events.record(team, "columns.reranked", actor, reranked_data(reranked))
    return events.record(team, "column.created", actor, column_state(column))


@transaction.atomic
def update_column(actor: User, column: Column, *, name: str, wip_limit: int | None = None,
                  is_done: bool | None = None, enforce_wip: bool | None = None) -> Event | None:
    """The column's whole settings; `is_done` and `enforce_wip` None: unchanged."""
    team = lock_and_require_board(actor, Action.EDIT, column.team)
    column = Column.objects.get(pk=column.pk, team=team, archived=False)
    name, wip_limit = _clean_column(name, wip_limit)
    changes = [field for field, value in (("name", name), ("wip_limit", wip_limit)) if getattr(column, field) != value]
    column.name, column.wip_limit = name, wip_limit
    if is_done is not None and bool(is_done) != column.is_done:
        column.is_done = bool(is_done)
        changes.append("is_done")
    if enforce_wip is not None and bool(enforce_wip) != column.enforce_wip:
        column.enforce_wip = bool(enforce_wip)
        changes.append("enforce_wip")
    if not changes:
        return None
    column.save(update_fields=["name", "wip_limit", "is_done", "enforce_wip"])
    return events.record(team, "column.updated", actor, {**column_state(column), "changes": changes,
                                                          "wip_exceeded": wip_exceeded(column)})


@transaction.atomic
def move_column(actor: User, column: Column, *, after: Column | None = None) -> Event:
    """Place the column right of `after` (None: first)."""
    team = lock_and_require_board(actor, Action.EDIT, column.team)
    column = Column.objects.get(pk=column.pk, team=team, archived=False)
    if after is not None:
        after = Column.objects.get(pk=after.pk, team=team, archived=False)
        if after.pk == column.pk:
            raise ValidationError(_("A column cannot be placed after itself."))
    rank, reranked = ranks.rank_after(live_columns(team), after, exclude_pk=column.pk)
    column.rank = rank
    column.save(update_fields=["rank"])
    if reranked:
        events.record(team, "columns.reranked", actor, reranked_data(reranked))
    return events.record(team, "column.moved", actor, {"column": column.pk, "rank": column.rank,
                                                        "after": after.pk if after else None})


@transaction.atomic
def archive_column(actor: User, column: Column) -> Event:
    team = lock_and_require_board(actor, Action.EDIT, column.team)
    column = Column.objects.get(pk=column.pk, team=team, archived=False)
    if live_cards(column).exists():
        raise ValidationError(_("Move or archive the column's cards first."))
    if live_columns(team).count() <= 1:
        raise ValidationError(_("A board needs at least one column."))
    column.archived = True
    column.save(update_fields=["archived"])
    return events.record(team, "column.archived", actor, {"column": column.pk, "name": column.name})
