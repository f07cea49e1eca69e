"""Event log entries in words (plain text: templates escape it): the team page's "Recent activity"
(`describe`) and a card's history in its dialog (`describe_card_event`)."""
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teams.board.models import Card

from .models import Membership

TEXT = {
    "team.proposed": gettext_lazy("proposed the team"),
    "team.launched": gettext_lazy("launched the team"),
    "team.updated": gettext_lazy("edited the team"),
    "team.extended": gettext_lazy("extended the team until %(end_date)s"),
    "team.concluded": gettext_lazy("concluded the team"),
    "team.archived": gettext_lazy("archived the team"),
    "member.added": gettext_lazy("added %(name)s as %(role)s"),
    "member.requested": gettext_lazy("asked to join"),
    "member.declined": gettext_lazy("declined the request of %(name)s"),
    "member.role_changed": gettext_lazy("made %(name)s %(role)s"),
    "member.removed": gettext_lazy("removed %(name)s"),
    "board.created": gettext_lazy("set up the board"),
    "channel.created": gettext_lazy("opened a discussion channel"),
}


def describe(event):
    """"added Ada Lovelace as expert"; an event kind without words yet shows as it is."""
    template = TEXT.get(event.kind)
    if template is None:
        return event.kind
    data = event.data if isinstance(event.data, dict) else {}
    role = data.get("role")
    values = {
        "name": data.get("name", ""),
        "role": str(Membership.Role(role).label) if role in Membership.Role.values else "",
        "end_date": (data.get("team") or {}).get("end_date", ""),
    }
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return event.kind


def describe_card_event(event, column_names):
    """One line of a card's history ("moved it from To do to Done"); column_names maps column ids to names."""
    data = event.data

    def column(pk):
        return column_names.get(pk) or _("a removed column")
    if event.kind == "card.created":
        return _("created the card in %(column)s") % {"column": column(data.get("column"))}
    if event.kind == "card.moved":
        return _("moved it from %(source)s to %(target)s") % {"source": column(data.get("from_column")),
                                                              "target": column(data.get("column"))}
    if event.kind == "card.updated":
        names = []
        for field in data.get("changes", []):
            try:
                names.append(str(Card._meta.get_field(field).verbose_name))
            except FieldDoesNotExist:  # a field that no longer exists
                names.append(_("a former field"))
        return _("changed %(fields)s") % {"fields": ", ".join(names)}
    if event.kind == "card.archived":
        return _("archived it")
    if event.kind == "card.checklist_changed":
        item = data.get("item_text", "")
        change = data.get("change")
        if change == "added":
            return _("added the checklist item “%(item)s”") % {"item": item}
        if change == "removed":
            return _("removed the checklist item “%(item)s”") % {"item": item}
        return (_("checked “%(item)s”") if data.get("item_done") else _("unchecked “%(item)s”")) % {"item": item}
    if event.kind == "card.commented":
        return _("commented")
    if event.kind == "card.attachment_added":
        return _("attached %(name)s") % {"name": data.get("name", "")}
    if event.kind == "card.attachment_removed":
        return _("removed the file %(name)s") % {"name": data.get("name", "")}
    return _("changed the card")


def actor_name(event):
    actor = event.actor
    return (actor.get_full_name() or actor.username) if actor else _("The system")
