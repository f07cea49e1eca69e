"""Card labels: named per team, coloured from a fixed palette.

Anyone who works on cards may put a new name on a card (it becomes a label, coloured from its name);
the label manager (Action.EDIT: leads, supporters, cluster management) creates, renames, recolours and
deletes them. A rename or recolour is one `label.updated` event that every viewer applies to every
chip, filter and open card carrying the label's id; a delete is `label.deleted` (gone from its cards).
"""
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teams import events
from teams.models import Event, Team
from teams.permissions import Action, lock_and_require_board

from .models import Card, Label

MAX_LABELS_PER_CARD = 10
MAX_LABELS_PER_TEAM = 100

# key -> (background, its name). White text on each has a contrast of at least 4.5:1
# (tests/test_board_labels.py computes it); board.css paints `.label[data-label-color=key]`.
PALETTE = {
    "blue": ("#026aa2", gettext_lazy("Blue")),
    "violet": ("#5925dc", gettext_lazy("Violet")),
    "pink": ("#c11574", gettext_lazy("Pink")),
    "orange": ("#b54708", gettext_lazy("Orange")),
    "green": ("#027a48", gettext_lazy("Green")),
    "indigo": ("#3538cd", gettext_lazy("Indigo")),
    "red": ("#b42318", gettext_lazy("Red")),
    "slate": ("#4e5ba6", gettext_lazy("Slate")),
    "gray": ("#475467", gettext_lazy("Gray")),
}


def label_color(name: str) -> str:
    """The palette key a label made on the fly gets: the same name, the same colour."""
    keys = list(PALETTE)[:8]
    return keys[sum(name.lower().encode()) % len(keys)]


def label_state(label: Label) -> dict:
    return {"label": label.pk, "name": label.name, "color": label.color}


def _clean_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the label a name.")})
    if len(name) > 40:
        raise ValidationError({"name": _("A label name has at most 40 characters.")})
    if "<" in name or ">" in name:
        raise ValidationError({"name": _("HTML tags are not allowed here.")})
    return name


def _clean_color(color: str | None) -> str:
    if color not in PALETTE:
        raise ValidationError({"color": _("Choose one of the offered colours.")})
    return color


def _name_taken(team: Team, name: str, exclude: int = 0) -> None:
    if Label.objects.filter(team=team, name__iexact=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": _("The team already has a label of this name.")})


def labels_from_names(team: Team, names: Iterable[str | Label]) -> list[Label]:
    """The team's labels of these names (new names become labels); Label objects must be the team's."""
    given = list(names)
    chosen = [label for label in given if isinstance(label, Label)]
    if any(label.team_id != team.pk for label in chosen):
        raise Label.DoesNotExist
    texts = [name.strip()[:40] for name in given if isinstance(name, str) and name.strip()]
    texts = list(dict.fromkeys(texts))
    if len(texts) + len(chosen) > MAX_LABELS_PER_CARD:
        raise ValidationError({"labels": _("At most %(n)d labels per card.") % {"n": MAX_LABELS_PER_CARD}})
    for name in texts:
        if "<" in name or ">" in name:
            raise ValidationError({"labels": _("HTML tags are not allowed here.")})
    existing = {label.name.lower(): label for label in Label.objects.filter(team=team)} if texts else {}
    labels = list(dict.fromkeys(chosen))
    for name in texts:
        label = existing.get(name.lower())
        if label is None:
            label = Label.objects.create(team=team, name=name, color=label_color(name))
            existing[name.lower()] = label
        labels.append(label)
    return labels


@transaction.atomic
def create_label(actor: User, team: Team, *, name: str, color: str) -> Event:
    team = lock_and_require_board(actor, Action.EDIT, team)
    name, color = _clean_name(name), _clean_color(color)
    _name_taken(team, name)
    if Label.objects.filter(team=team).count() >= MAX_LABELS_PER_TEAM:
        raise ValidationError(_("A team has at most %(n)d labels.") % {"n": MAX_LABELS_PER_TEAM})
    label = Label.objects.create(team=team, name=name, color=color)
    return events.record(team, "label.created", actor, label_state(label))


@transaction.atomic
def update_label(actor: User, label: Label, *, name: str, color: str) -> Event | None:
    """Rename and/or recolour (the whole state, like column.update); cards keep the label."""
    team = lock_and_require_board(actor, Action.EDIT, label.team)
    label = Label.objects.get(pk=label.pk, team=team)
    name, color = _clean_name(name), _clean_color(color)
    changes = [field for field, value in (("name", name), ("color", color)) if getattr(label, field) != value]
    if not changes:
        return None
    if "name" in changes:
        _name_taken(team, name, exclude=label.pk)
    label.name, label.color = name, color
    label.save(update_fields=["name", "color"])
    return events.record(team, "label.updated", actor, {**label_state(label), "changes": changes})


@transaction.atomic
def delete_label(actor: User, label: Label) -> Event:
    """The label goes, and with it from every card (their versions stay: no card field a person edits changed)."""
    team = lock_and_require_board(actor, Action.EDIT, label.team)
    label = Label.objects.get(pk=label.pk, team=team)
    cards = sorted(Card.labels.through.objects.filter(label=label).values_list("card_id", flat=True))
    data = {"label": label.pk, "name": label.name, "cards": cards}
    label.delete()
    return events.record(team, "label.deleted", actor, data)
