"""Every write to task boards: permission → validation → transaction → event.

Columns are the board's structure (Action.EDIT: leads, supporting field-of-action managers,
cluster management); cards and what hangs off them are the team's work (Action.CONTRIBUTE:
experts too). Each service locks the team row first, so a team's board changes one at a
time on PostgreSQL and SQLite alike, and re-reads what it changes inside the lock.

Cards carry a version: update, move and archive name the version the person saw; if the
card changed since, the change is refused (code "stale") and nothing is written. The
client already has the newer state from the event stream.

Card events carry the card's whole tile state (see `card_state`) so every viewer can
redraw it from the event alone; "card" is the card's id, "assignees" user ids.
"""
import mimetypes
import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teams import events, mentions
from teams.models import Membership
from teams.permissions import Action, lock_and_require_board

from . import ranks
from .models import Attachment, Card, ChecklistItem, Column, Comment, Label

DEFAULT_COLUMNS = [  # name, is_done
    (gettext_lazy("Backlog"), False),
    (gettext_lazy("To do"), False),
    (gettext_lazy("In progress"), False),
    (gettext_lazy("Review"), False),
    (gettext_lazy("Done"), True),
]
MAX_COLUMNS = 20
MAX_CARDS_PER_TEAM = 5000
MAX_LABELS_PER_CARD = 10
MAX_CHECKLIST_ITEMS = 100
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Extension → (content type, how the file must start). Office files are zip containers.
ATTACHMENT_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
}


class StaleVersion(ValidationError):
    """The card changed since the person saw it."""

    def __init__(self, card):
        super().__init__(
            _("Someone else changed “%(title)s” a moment ago; the board now shows the latest state. "
              "Please try again.") % {"title": card.title}, code="stale")


# Helpers -------------------------------------------------------------------------------

def _fresh_card(card, team):
    return Card.objects.select_related("column").get(pk=card.pk, team=team, archived=False)


def _check_version(card, version):
    if version is not None and int(version) != card.version:
        raise StaleVersion(card)


def _name(user):
    return user.get_full_name() or user.username


def card_state(card):
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


def column_state(column):
    return {"column": column.pk, "name": column.name, "rank": column.rank, "wip_limit": column.wip_limit,
            "is_done": column.is_done, "archived": column.archived}


def _live_columns(team):
    return Column.objects.filter(team=team, archived=False)


def _live_cards(column):
    return Card.objects.filter(column=column, archived=False)


def _wip_exceeded(column):
    return bool(column.wip_limit) and _live_cards(column).count() > column.wip_limit


def _rank_after(siblings, after, exclude_pk=None):
    """A rank just below the sibling `after` (None: first place), shortening keys when needed.

    Returns (rank, reranked) where reranked maps pk → new rank when the siblings were spread again.
    """
    siblings = siblings.exclude(pk=exclude_pk) if exclude_pk else siblings
    ordered = siblings.order_by("rank", "id")
    if after is None:
        lo = None
        nxt = ordered.values_list("rank", flat=True).first()
    else:
        lo = after.rank
        nxt = ordered.filter(Q(rank__gt=after.rank) | Q(rank=after.rank, id__gt=after.pk)) \
            .values_list("rank", flat=True).first()
    try:
        rank = ranks.between(lo, nxt)
    except ValueError:  # equal neighbours (never written by us, but heal rather than fail)
        rank = None
    if rank is not None and not ranks.too_long(rank):
        return rank, {}
    # Spread this one list again and retry: rare, and the only write beyond the moved item.
    items = list(ordered)
    keys = ranks.spread(len(items) + 1)
    position = 0 if after is None else next(i for i, item in enumerate(items) if item.pk == after.pk) + 1
    reranked = {}
    for i, item in enumerate(items):
        item.rank = keys[i if i < position else i + 1]
        reranked[item.pk] = item.rank
    siblings.model.objects.bulk_update(items, ["rank"])
    return keys[position], reranked


def _validate_goals(team, goals):
    allowed = set(team.goals.values_list("pk", flat=True))
    if any(goal.pk not in allowed for goal in goals):
        raise ValidationError({"goals": _("A card can only advance the team's own strategic goals.")})


def _validate_assignees(team, assignees):
    members = set(Membership.objects.filter(team=team, state=Membership.State.ACTIVE)
                  .exclude(role=Membership.Role.OBSERVER).values_list("user_id", flat=True))
    if any(user.pk not in members for user in assignees):
        raise ValidationError({"assignees": _("Only members of the team (not observers) can be assigned.")})


def _labels_from_names(team, names):
    names = [name.strip()[:40] for name in names if name and name.strip()]
    names = list(dict.fromkeys(names))
    if len(names) > MAX_LABELS_PER_CARD:
        raise ValidationError({"labels": _("At most %(n)d labels per card.") % {"n": MAX_LABELS_PER_CARD}})
    for name in names:
        if "<" in name or ">" in name:
            raise ValidationError({"labels": _("HTML tags are not allowed here.")})
    existing = {label.name.lower(): label for label in Label.objects.filter(team=team)}
    labels = []
    for name in names:
        label = existing.get(name.lower())
        if label is None:
            label = Label.objects.create(team=team, name=name, color=_label_color(name))
            existing[name.lower()] = label
        labels.append(label)
    return labels


LABEL_COLORS = ["#026aa2", "#5925dc", "#c11574", "#b54708", "#027a48", "#3538cd", "#b42318", "#4e5ba6"]


def _label_color(name):
    return LABEL_COLORS[sum(name.lower().encode()) % len(LABEL_COLORS)]


def _clean_title(title):
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the card a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("A title has at most 200 characters.")})
    return title


# Board and columns ---------------------------------------------------------------------

def set_up_board(team, actor):
    """Called when a team is launched (inside its transaction): the default columns."""
    if Column.objects.filter(team=team).exists():
        return
    keys = ranks.spread(len(DEFAULT_COLUMNS))
    columns = Column.objects.bulk_create(
        Column(team=team, name=str(name), rank=key, is_done=is_done)
        for (name, is_done), key in zip(DEFAULT_COLUMNS, keys))
    columns = list(Column.objects.filter(team=team).order_by("rank"))
    events.record(team, "board.created", actor, {"columns": [column_state(column) for column in columns]})
    return columns


def _clean_column(name, wip_limit):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the column a name.")})
    if len(name) > 60:
        raise ValidationError({"name": _("A column name has at most 60 characters.")})
    if wip_limit is not None and not (1 <= int(wip_limit) <= 999):
        raise ValidationError({"wip_limit": _("A WIP limit is a number from 1 to 999, or empty.")})
    return name, (int(wip_limit) if wip_limit is not None else None)


@transaction.atomic
def create_column(actor, team, *, name, wip_limit=None, is_done=False, after=None):
    team = lock_and_require_board(actor, Action.EDIT, team)
    name, wip_limit = _clean_column(name, wip_limit)
    columns = _live_columns(team)
    if columns.count() >= MAX_COLUMNS:
        raise ValidationError(_("A board has at most %(n)d columns.") % {"n": MAX_COLUMNS})
    if after is None:
        after = columns.order_by("rank", "id").last()  # new columns go to the right by default
    elif after.team_id != team.pk or after.archived:
        raise Column.DoesNotExist
    rank, reranked = _rank_after(columns, after)
    column = Column.objects.create(team=team, name=name, wip_limit=wip_limit, is_done=bool(is_done), rank=rank)
    if reranked:
        events.record(team, "columns.reranked", actor, {"ranks": {str(k): v for k, v in reranked.items()}})
    return events.record(team, "column.created", actor, column_state(column))


@transaction.atomic
def update_column(actor, column, *, name, wip_limit=None, is_done=None):
    team = lock_and_require_board(actor, Action.EDIT, column.team)
    column = Column.objects.get(pk=column.pk, team=team, archived=False)
    name, wip_limit = _clean_column(name, wip_limit)
    changes = [field for field, value in (("name", name), ("wip_limit", wip_limit)) if getattr(column, field) != value]
    column.name, column.wip_limit = name, wip_limit
    if is_done is not None and bool(is_done) != column.is_done:
        column.is_done = bool(is_done)
        changes.append("is_done")
    if not changes:
        return None
    column.save(update_fields=["name", "wip_limit", "is_done"])
    return events.record(team, "column.updated", actor, {**column_state(column), "changes": changes,
                                                          "wip_exceeded": _wip_exceeded(column)})


@transaction.atomic
def move_column(actor, column, *, after=None):
    """Place the column right of `after` (None: first)."""
    team = lock_and_require_board(actor, Action.EDIT, column.team)
    column = Column.objects.get(pk=column.pk, team=team, archived=False)
    if after is not None:
        after = Column.objects.get(pk=after.pk, team=team, archived=False)
        if after.pk == column.pk:
            raise ValidationError(_("A column cannot be placed after itself."))
    rank, reranked = _rank_after(_live_columns(team), after, exclude_pk=column.pk)
    column.rank = rank
    column.save(update_fields=["rank"])
    if reranked:
        events.record(team, "columns.reranked", actor, {"ranks": {str(k): v for k, v in reranked.items()}})
    return events.record(team, "column.moved", actor, {"column": column.pk, "rank": column.rank,
                                                        "after": after.pk if after else None})


@transaction.atomic
def archive_column(actor, column):
    team = lock_and_require_board(actor, Action.EDIT, column.team)
    column = Column.objects.get(pk=column.pk, team=team, archived=False)
    if _live_cards(column).exists():
        raise ValidationError(_("Move or archive the column's cards first."))
    if _live_columns(team).count() <= 1:
        raise ValidationError(_("A board needs at least one column."))
    column.archived = True
    column.save(update_fields=["archived"])
    return events.record(team, "column.archived", actor, {"column": column.pk, "name": column.name})


# Cards ---------------------------------------------------------------------------------

@transaction.atomic
def create_card(actor, team, *, column, title, description="", assignees=(), due_date=None,
                priority=Card.Priority.NORMAL, labels=(), goals=(), position="bottom"):
    team = lock_and_require_board(actor, Action.CONTRIBUTE, team)
    column = Column.objects.get(pk=column.pk, team=team, archived=False)
    title = _clean_title(title)
    if priority not in Card.Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if Card.objects.filter(team=team, archived=False).count() >= MAX_CARDS_PER_TEAM:
        raise ValidationError(_("The board is full: archive finished cards first."))
    assignees, goals = list(assignees), list(goals)
    _validate_assignees(team, assignees)
    _validate_goals(team, goals)
    label_objects = _labels_from_names(team, labels)
    siblings = _live_cards(column)
    after = siblings.order_by("rank", "id").last() if position == "bottom" else None
    rank, reranked = _rank_after(siblings, after)
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
        events.record(team, "column.reranked", actor, {"column": column.pk,
                                                       "ranks": {str(k): v for k, v in reranked.items()}})
    return events.record(team, "card.created", actor, {
        **card_state(card), "added_assignees": [user.pk for user in assignees],
        "wip_exceeded": _wip_exceeded(column)})


CARD_FIELDS = ("title", "description", "assignees", "due_date", "priority", "labels", "goals")


@transaction.atomic
def update_card(actor, card, *, version, **fields):
    """Change some of the card's fields (only those given). `version` is the one the person saw."""
    unknown = set(fields) - set(CARD_FIELDS)
    if unknown:
        raise ValueError(f"unknown card fields: {sorted(unknown)}")
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = _fresh_card(card, team)
    _check_version(card, version)
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
        labels = _labels_from_names(team, fields["labels"])
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
def move_card(actor, card, *, column, after=None, version):
    """Put the card in `column` right below the card `after` (None: at the top).

    Only the moved card's rank is written (unless its key grows too long; then that one
    column is spread again and a "column.reranked" event says so). A stale version is
    refused; a move to where the card already is writes nothing and returns None.
    """
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = _fresh_card(card, team)
    _check_version(card, version)
    target = Column.objects.get(pk=column.pk, team=team, archived=False)
    siblings = _live_cards(target)
    if after is not None:
        if after.pk == card.pk:
            raise ValidationError(_("A card cannot be placed below itself."))
        after = siblings.get(pk=after.pk)  # a card of another column or team is not found
    if target.pk == card.column_id:
        previous = (siblings.filter(Q(rank__lt=card.rank) | Q(rank=card.rank, id__lt=card.pk))
                    .order_by("-rank", "-id").values_list("pk", flat=True).first())
        if previous == (after.pk if after else None):
            return None  # already there
    rank, reranked = _rank_after(siblings, after, exclude_pk=card.pk)
    from_column = card.column_id
    card.column, card.rank = target, rank
    card.version += 1
    card.updated_at = timezone.now()
    card.save(update_fields=["column", "rank", "version", "updated_at"])
    if reranked:
        events.record(team, "column.reranked", actor, {"column": target.pk,
                                                       "ranks": {str(k): v for k, v in reranked.items()}})
    return events.record(team, "card.moved", actor, {
        **card_state(card), "from_column": from_column, "after": after.pk if after else None,
        "wip_exceeded": _wip_exceeded(target), "done": target.is_done})


@transaction.atomic
def archive_card(actor, card, *, version=None):
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = _fresh_card(card, team)
    _check_version(card, version)
    card.archived = True
    card.version += 1
    card.save(update_fields=["archived", "version"])
    return events.record(team, "card.archived", actor, {"card": card.pk, "column": card.column_id,
                                                         "title": card.title, "version": card.version})


def _touch(card, team, actor, kind, extra):
    """A change to something hanging off the card: bump its version, tell everyone."""
    card.version += 1
    card.updated_at = timezone.now()
    card.save(update_fields=["version", "updated_at"])
    return events.record(team, kind, actor, {**card_state(card), **extra})


@transaction.atomic
def add_checklist_item(actor, card, *, text):
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = _fresh_card(card, team)
    text = (text or "").strip()
    if not text or len(text) > 200:
        raise ValidationError({"text": _("A checklist item has 1 to 200 characters.")})
    count = card.checklist.count()
    if count >= MAX_CHECKLIST_ITEMS:
        raise ValidationError(_("A card has at most %(n)d checklist items.") % {"n": MAX_CHECKLIST_ITEMS})
    item = ChecklistItem.objects.create(card=card, text=text, position=count)
    return _touch(card, team, actor, "card.checklist_changed", {"item": item.pk, "item_text": item.text,
                                                                 "item_done": False, "change": "added"})


@transaction.atomic
def set_checklist_item(actor, item, *, done):
    team = lock_and_require_board(actor, Action.CONTRIBUTE, item.card.team)
    item = ChecklistItem.objects.select_related("card").get(pk=item.pk, card__team=team, card__archived=False)
    if item.done == bool(done):
        return None
    item.done = bool(done)
    item.save(update_fields=["done"])
    return _touch(item.card, team, actor, "card.checklist_changed", {"item": item.pk, "item_text": item.text,
                                                                      "item_done": item.done, "change": "checked"})


@transaction.atomic
def remove_checklist_item(actor, item):
    team = lock_and_require_board(actor, Action.CONTRIBUTE, item.card.team)
    item = ChecklistItem.objects.select_related("card").get(pk=item.pk, card__team=team, card__archived=False)
    card, pk, text = item.card, item.pk, item.text
    item.delete()
    return _touch(card, team, actor, "card.checklist_changed", {"item": pk, "item_text": text,
                                                                 "change": "removed"})


def mentioned_users(team, body):
    """@username mentions of the team's members (ids), for notifications."""
    tokens = mentions.tokens(body)
    if not tokens:
        return []
    members = {username.lower(): user_id for user_id, username in Membership.objects.filter(
        team=team, state=Membership.State.ACTIVE).values_list("user_id", "user__username")}
    return sorted(members[name] for name in mentions.names(tokens, members))


@transaction.atomic
def add_comment(actor, card, *, body):
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = _fresh_card(card, team)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > 10000:
        raise ValidationError({"body": _("A comment has at most 10,000 characters.")})
    comment = Comment.objects.create(card=card, author=actor, body=body)
    return _touch(card, team, actor, "card.commented", {"comment": comment.pk,
                                                         "mentions": mentioned_users(team, body)})


def check_upload(upload, max_bytes=MAX_ATTACHMENT_BYTES):
    """Size and type of an uploaded file; returns (safe name, content type). Also used for review outputs."""
    name = os.path.basename(upload.name or "").strip()[:200] or "file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError({"file": _("This file type is not accepted. Allowed: %(types)s.")
                               % {"types": ", ".join(sorted(ATTACHMENT_TYPES))}})
    if upload.size > max_bytes:
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.")
                               % {"mb": max_bytes // (1024 * 1024)}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    content_type, signatures = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if signatures and not any(head.startswith(signature) for signature in signatures):
        raise ValidationError({"file": _("The file's content does not match its type (.%(ext)s).")
                               % {"ext": extension}})
    if signatures is None and b"\x00" in head:
        raise ValidationError({"file": _("A text file must not contain binary data.")})
    return name, content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"


@transaction.atomic
def add_attachment(actor, card, *, upload):
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = _fresh_card(card, team)
    name, content_type = check_upload(upload)
    if card.attachments.count() >= 50:
        raise ValidationError(_("A card has at most 50 attachments."))
    attachment = Attachment(card=card, name=name, content_type=content_type, size=upload.size,
                            uploaded_by=actor)
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
        return _touch(card, team, actor, "card.attachment_added", {"attachment": attachment.pk, "name": name,
                                                                    "size": attachment.size})
    except Exception:
        attachment.file.storage.delete(attachment.file.name)  # no orphan file when the write fails
        raise


@transaction.atomic
def remove_attachment(actor, attachment):
    team = lock_and_require_board(actor, Action.CONTRIBUTE, attachment.card.team)
    attachment = Attachment.objects.select_related("card").get(pk=attachment.pk, card__team=team,
                                                               card__archived=False)
    card, pk, name, stored = attachment.card, attachment.pk, attachment.name, attachment.file.name
    attachment.delete()

    def delete_file():
        from django.core.files.storage import default_storage
        default_storage.delete(stored)
    transaction.on_commit(delete_file)
    return _touch(card, team, actor, "card.attachment_removed", {"attachment": pk, "name": name})

