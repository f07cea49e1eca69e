"""Cards: the team's work (Action.CONTRIBUTE: experts too). Each service follows
`teams.permissions.lock_and_require_board`'s lock contract: it locks the team row first and
re-reads the card inside the lock; update, move and archive refuse a stale version (board.state).
"""
import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Membership, StrategicGoal, Team
from teams.permissions import Action, lock_and_require_board
from teams.text_input import check_line, check_no_tags

from . import ranks
from .labels import labels_from_names
from .models import Card, Column
from .state import card_state, check_room, check_version, fresh_card, live_cards, reranked_data, wip_exceeded

MAX_CARDS_PER_TEAM = 5000


def _validate_goals(team: Team, goals: list[StrategicGoal]) -> None:
    allowed = set(team.goals.values_list("pk", flat=True))
    if any(goal.pk not in allowed for goal in goals):
        raise ValidationError({"goals": _("A card can only advance the team's own strategic goals.")})


def _validate_assignees(team: Team, assignees: list[User]) -> None:
    members = set(Membership.objects.filter(team=team, state=Membership.State.ACTIVE)
                  .exclude(role=Membership.Role.OBSERVER).values_list("user_id", flat=True))
    if any(user.pk not in members for user in assignees):
        raise ValidationError({"assignees": _("Only members of the team (not observers) can be assigned.")})


def _clean_title(title: object) -> str:
    """A card's title by the same rules whichever way it comes (page, socket, API): a line of plain text."""
    if title is not None and not isinstance(title, str):
        raise ValidationError({"title": _("Enter text.")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the card a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("A title has at most 200 characters.")})
    try:
        check_line(title)
        check_no_tags(title)
    except ValidationError as exc:
        raise ValidationError({"title": exc.messages}) from exc
    return title


@transaction.atomic
def create_card(actor: User, team: Team, *, column: Column, title: str, description: str = "",
                assignees: Iterable[User] = (), due_date: datetime.date | None = None,
                priority: str = Card.Priority.NORMAL, labels: Iterable[str] = (), goals: Iterable[StrategicGoal] = (),
                position: str = "bottom") -> Event:
    team = lock_and_require_board(actor, Action.CONTRIBUTE, team)
    column = Column.objects.get(pk=column.pk, team=team, archived=False)
    check_room(column)
    title = _clean_title(title)
    if priority not in Card.Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if Card.objects.filter(team=team, archived=False).count() >= MAX_CARDS_PER_TEAM:
        raise ValidationError(_("The board is full: archive finished cards first."))
    assignees, goals = list(assignees), list(goals)
    _validate_assignees(team, assignees)
    _validate_goals(team, goals)
    label_objects = labels_from_names(team, labels)
    siblings = live_cards(column)
    after = siblings.order_by("rank", "id").last() if position == "bottom" else None
    rank, reranked = ranks.rank_after(siblings, after)
    now = timezone.now()
    card = Card(team=team, column=column, rank=rank, title=title, description=description or "",
                due_date=due_date, priority=priority, created_by=actor if actor.pk else None,
                created_at=now, updated_at=now)
    card.full_clean(exclude=["team", "column", "created_by"])
    card.save()
    card.assignees.set(assignees)
    card.labels.set(label_objects)
    card.goals.set(goals)
    if reranked:
        events.record(team, "column.reranked", actor, {"column": column.pk, **reranked_data(reranked)})
    return events.record(team, "card.created", actor, {
        **card_state(card), "added_assignees": [user.pk for user in assignees],
        "wip_exceeded": wip_exceeded(column)})


CARD_FIELDS = ("title", "description", "assignees", "due_date", "priority", "labels", "goals")


@transaction.atomic
def update_card(actor: User, card: Card, *, version: int | None, **fields) -> Event | None:
    """Change some of the card's fields (only those given). `version` is the one the person saw."""
    unknown = set(fields) - set(CARD_FIELDS)
    if unknown:
        raise ValueError(f"unknown card fields: {sorted(unknown)}")
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = fresh_card(card, team)
    check_version(card, version)
    changes = []
    before_assignees = set(card.assignees.values_list("pk", flat=True))
    added = []
    if "title" in fields:
        title = _clean_title(fields["title"])
        if title != card.title:
            card.title = title
            changes.append("title")
    for field in ("description", "due_date", "priority"):
        if field in fields and (fields[field] or None) != (getattr(card, field) or None):
            setattr(card, field, fields[field] if field != "description" else (fields[field] or ""))
            changes.append(field)
    if card.priority not in Card.Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if "assignees" in fields:
        assignees = list(fields["assignees"])
        _validate_assignees(team, assignees)
        if {user.pk for user in assignees} != before_assignees:
            card.assignees.set(assignees)
            added = [user.pk for user in assignees if user.pk not in before_assignees]
            changes.append("assignees")
    if "labels" in fields:
        labels = labels_from_names(team, fields["labels"])
        if {label.pk for label in labels} != set(card.labels.values_list("pk", flat=True)):
            card.labels.set(labels)
            changes.append("labels")
    if "goals" in fields:
        goals = list(fields["goals"])
        _validate_goals(team, goals)
        if {goal.pk for goal in goals} != set(card.goals.values_list("pk", flat=True)):
            card.goals.set(goals)
            changes.append("goals")
    if not changes:
        return None
    card.full_clean(exclude=["team", "column", "created_by"])
    card.version += 1
    card.updated_at = timezone.now()
    card.save()
    data = {**card_state(card), "changes": changes}
    if "assignees" in changes:
        data["added_assignees"] = added
        data["removed_assignees"] = sorted(before_assignees - set(data["assignees"]))
    return events.record(team, "card.updated", actor, data)


@transaction.atomic
def move_card(actor: User, card: Card, *, column: Column, after: Card | None = None,
              version: int | None) -> Event | None:
    """Put the card in `column` right below the card `after` (None: at the top).

    Only the moved card's rank is written (unless its key grows too long; then that one
    column is spread again and a "column.reranked" event says so). A stale version is
    refused; a move to where the card already is writes nothing and returns None.
    """
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = fresh_card(card, team)
    check_version(card, version)
    target = Column.objects.get(pk=column.pk, team=team, archived=False)
    siblings = live_cards(target)
    if after is not None:
        if after.pk == card.pk:
            raise ValidationError(_("A card cannot be placed below itself."))
        after = siblings.get(pk=after.pk)  # a card of another column or team is not found
    if target.pk == card.column_id:
        previous = (siblings.filter(Q(rank__lt=card.rank) | Q(rank=card.rank, id__lt=card.pk))
                    .order_by("-rank", "-id").values_list("pk", flat=True).first())
        if previous == (after.pk if after else None):
            return None  # already there
    else:
        check_room(target)
    rank, reranked = ranks.rank_after(siblings, after, exclude_pk=card.pk)
    from_column = card.column_id
    card.column, card.rank = target, rank
    card.version += 1
    card.updated_at = timezone.now()
    card.save(update_fields=["column", "rank", "version", "updated_at"])
    if reranked:
        events.record(team, "column.reranked", actor, {"column": target.pk, **reranked_data(reranked)})
    return events.record(team, "card.moved", actor, {
        **card_state(card), "from_column": from_column, "after": after.pk if after else None,
        "wip_exceeded": wip_exceeded(target), "done": target.is_done})


@transaction.atomic
def archive_card(actor: User, card: Card, *, version: int | None = None) -> Event:
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = fresh_card(card, team)
    check_version(card, version)
    card.archived = True
    card.version += 1
    card.save(update_fields=["archived", "version"])
    return events.record(team, "card.archived", actor, {"card": card.pk, "column": card.column_id,
                                                         "title": card.title, "version": card.version})


@transaction.atomic
def restore_card(actor: User, card: Card, *, version: int | None) -> Event:
    """Undo an archive: the card comes back to its column at its rank, if nothing changed it since
    (`version` is the archived card's) and its column still takes it (not archived, not full)."""
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = Card.objects.select_related("column").get(pk=card.pk, team=team, archived=True)
    check_version(card, version)
    if card.column.archived:
        raise ValidationError(_("Its column was archived meanwhile."))
    check_room(card.column)
    if Card.objects.filter(team=team, archived=False).count() >= MAX_CARDS_PER_TEAM:
        raise ValidationError(_("The board is full: archive finished cards first."))
    card.archived = False
    card.version += 1
    card.updated_at = timezone.now()
    card.save(update_fields=["archived", "version", "updated_at"])
    return events.record(team, "card.restored", actor, {**card_state(card), "wip_exceeded": wip_exceeded(card.column)})
