"""Card labels: named per team, created on first use, coloured from their name."""
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from teams.models import Team

from .models import Label

MAX_LABELS_PER_CARD = 10


def labels_from_names(team: Team, names: Iterable[str]) -> list[Label]:
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
            label = Label.objects.create(team=team, name=name, color=label_color(name))
            existing[name.lower()] = label
        labels.append(label)
    return labels


LABEL_COLORS = ["#026aa2", "#5925dc", "#c11574", "#b54708", "#027a48", "#3538cd", "#b42318", "#4e5ba6"]


def label_color(name: str) -> str:
    return LABEL_COLORS[sum(name.lower().encode()) % len(LABEL_COLORS)]
