"""Event log entries in words, for the team page's "Recent activity" (plain text: templates escape it)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def actor_name(event):
    actor = event.actor
    return (actor.get_full_name() or actor.username) if actor else _("The system")
