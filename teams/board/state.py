"""What every board change shares: the card and column states its events carry, the shared
reads of live rows, and the version check of a card.

Card events carry the card's whole tile state (see `card_state`) so every viewer can
redraw it from the event alone; "card" is the card's id, "assignees" user ids.

Cards carry a version: update, move and archive name the version the person saw; if the
card changed since, the change is refused (code "stale") and nothing is written. The
client already has the newer state from the event stream.
"""
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Team

from .models import Card, Column


class StaleVersion(ValidationError):
    """The card changed since the person saw it."""

    def __init__(self, card: Card) -> None:
        super().__init__(
            _("Someone else changed “%(title)s” a moment ago; the board now shows the latest state. "
              "Please try again.") % {"title": card.title}, code="stale")


class WipLimitReached(ValidationError):
    """The column enforces its WIP limit and is full: nothing more goes in (docs/board.md, code "wip_limit")."""

    def __init__(self, column: Column) -> None:
        super().__init__(
            _("“%(column)s” is full: it holds its limit of %(limit)d cards. Finish or move one first.")
            % {"column": column.name, "limit": column.wip_limit}, code="wip_limit")


def check_room(column: Column) -> None:
    """Refuse a card coming into a full column that enforces its limit (a move within it is no arrival)."""
    if column.enforce_wip and column.wip_limit and live_cards(column).count() >= column.wip_limit:
        raise WipLimitReached(column)


def fresh_card(card: Card, team: Team) -> Card:
    return Card.objects.select_related("column").get(pk=card.pk, team=team, archived=False)


def check_version(card: Card, version: int | str | None) -> None:
    if version is not None and int(version) != card.version:
        raise StaleVersion(card)


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def card_state(card: Card) -> dict:
    """The tile's whole state, as events carry it (one query per relation; writes only)."""
    checklist = card.checklist.aggregate(total=Count("id"), done=Count("id", filter=Q(done=True)))
    assignees = list(card.assignees.order_by("last_name", "first_name"))
    labels = list(card.labels.all())
    goals = list(card.goals.all())
    return {
        "card": card.pk, "column": card.column_id, "rank": card.rank, "version": card.version,
        "title": card.title, "priority": card.priority,
        "due_date": card.due_date.isoformat() if card.due_date else None,
        "assignees": [user.pk for user in assignees],
        "people": {str(user.pk): _name(user) for user in assignees},
        "labels": [label.pk for label in labels],
        "label_info": [{"id": label.pk, "name": label.name, "color": label.color} for label in labels],
        "goals": [goal.pk for goal in goals], "goal_codes": [goal.code for goal in goals],
        "checklist_done": checklist["done"], "checklist_total": checklist["total"],
        "comments": card.comments.count(), "attachments": card.attachments.count(),
        "archived": card.archived,
    }


def column_state(column: Column) -> dict:
    return {"column": column.pk, "name": column.name, "rank": column.rank, "wip_limit": column.wip_limit,
            "enforce_wip": column.enforce_wip, "is_done": column.is_done, "archived": column.archived}


def live_columns(team: Team) -> QuerySet[Column]:
    return Column.objects.filter(team=team, archived=False)


def live_cards(column: Column) -> QuerySet[Card]:
    return Card.objects.filter(column=column, archived=False)


def wip_exceeded(column: Column) -> bool:
    return column.wip_limit is not None and 0 < column.wip_limit < live_cards(column).count()


def touch(card: Card, team: Team, actor: User, kind: str, extra: dict) -> Event:
    """A change to something hanging off the card: bump its version, tell everyone."""
    card.version += 1
    card.updated_at = timezone.now()
    card.save(update_fields=["version", "updated_at"])
    return events.record(team, kind, actor, {**card_state(card), **extra})


def reranked_data(reranked: dict[int, str]) -> dict[str, dict[str, str]]:
    """The event data of a spread list: pk → its new rank."""
    return {"ranks": {str(pk): rank for pk, rank in reranked.items()}}
