"""Event log entries in words (plain text: templates escape it): the team page's "Recent activity"
(`recent_activity`, `describe`) and a card's history in its dialog (`describe_card_event`).

Every kind of event that a service records has a sentence in TEXT (tests/test_activity.py finds the
kinds in the code, so a new kind without one fails). Chat is summarised per channel ("12 messages in
#general"): one line per message would bury everything else.
"""
import datetime
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Field, Max
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from teams.board.models import Card
from teams.discussion.models import Channel

from .events import QUIET_KINDS
from .models import Event, Membership, Team

TEXT = {
    "team.proposed": gettext_lazy("proposed the team"),
    "team.launched": gettext_lazy("launched the team"),
    "team.updated": gettext_lazy("edited the team"),
    "team.extended": gettext_lazy("extended the team until %(end_date)s"),
    "team.concluded": gettext_lazy("concluded the team"),
    "team.archived": gettext_lazy("archived the team"),
    "team.ending_soon": gettext_lazy("reminded the members: the team ends on %(end_date)s"),
    "team.ended": gettext_lazy("ended the team: its time frame is over (%(end_date)s)"),
    "member.added": gettext_lazy("added %(name)s as %(role)s"),
    "member.requested": gettext_lazy("asked to join"),
    "member.declined": gettext_lazy("declined the request of %(name)s"),
    "member.role_changed": gettext_lazy("made %(name)s %(role)s"),
    "member.removed": gettext_lazy("removed %(name)s"),
    "member.anonymised": gettext_lazy("erased a member: now %(name)s"),
    "invitation.sent": gettext_lazy("invited %(name)s as %(role)s"),
    "invitation.resent": gettext_lazy("sent the invitation of %(name)s again"),
    "invitation.revoked": gettext_lazy("withdrew the invitation of %(name)s"),
    "invitation.accepted": gettext_lazy("accepted the invitation and joined as %(role)s"),
    "invitation.declined": gettext_lazy("declined the invitation"),
    "invitation.resolved": gettext_lazy("opened their invitation, a member already"),
    "invitation.expired": gettext_lazy("found the invitation of %(name)s expired when its link was used"),
    "contribution.changed": gettext_lazy("updated what they contribute to the team"),
    "board.created": gettext_lazy("set up the board"),
    "column.created": gettext_lazy("added the column “%(name)s”"),
    "column.updated": gettext_lazy("changed the column “%(name)s”"),
    "column.moved": gettext_lazy("rearranged the board's columns"),
    "column.archived": gettext_lazy("archived the column “%(name)s”"),
    "columns.reranked": gettext_lazy("rearranged the board's columns"),
    "column.reranked": gettext_lazy("rearranged the cards of a column"),
    "card.created": gettext_lazy("created the card “%(title)s”"),
    "card.updated": gettext_lazy("edited the card “%(title)s”"),
    "card.moved": gettext_lazy("moved the card “%(title)s”"),
    "card.archived": gettext_lazy("archived the card “%(title)s”"),
    "card.restored": gettext_lazy("brought back the card “%(title)s”"),
    "label.created": gettext_lazy("added the label “%(name)s”"),
    "label.updated": gettext_lazy("changed the label “%(name)s”"),
    "label.deleted": gettext_lazy("deleted the label “%(name)s”"),
    "card.checklist_changed": gettext_lazy("updated the checklist of “%(title)s”"),
    "card.commented": gettext_lazy("commented on “%(title)s”"),
    "card.attachment_added": gettext_lazy("attached %(name)s to “%(title)s”"),
    "card.attachment_removed": gettext_lazy("removed the file %(name)s from “%(title)s”"),
    "card.due_soon": gettext_lazy("reminded the assignees: “%(title)s” is due on %(due_date)s"),
    "chat.deletion_announced": gettext_lazy("told the leads: the team's chat will be deleted on %(due_date)s"),
    "chat.deleted": gettext_lazy("deleted the team's chat, as the retention rules ask"),
    "channel.created": gettext_lazy("opened the channel #%(name)s"),
    "channel.updated": gettext_lazy("renamed or described the channel #%(name)s"),
    "channel.archived": gettext_lazy("archived the channel #%(name)s"),
    "channel.unarchived": gettext_lazy("unarchived the channel #%(name)s"),
    "channel.members": gettext_lazy("chose who is in a private channel"),  # private: listed to nobody
    "message.pinned": gettext_lazy("pinned a message"),
    "message.unpinned": gettext_lazy("unpinned a message"),
    "discussion.settings_changed": gettext_lazy("changed who may notify everyone with @team"),
    "message.posted": gettext_lazy("posted a message"),
    "message.edited": gettext_lazy("edited a message"),
    "message.deleted": gettext_lazy("deleted a message"),
    "message.read": gettext_lazy("read the discussion"),
    "reaction.added": gettext_lazy("reacted with %(emoji)s"),
    "reaction.removed": gettext_lazy("took back a reaction"),
    "thread.subscription": gettext_lazy("changed how they follow a thread"),
    "conversation.started": gettext_lazy("started a conversation"),  # direct messages' own log (teams/direct)
    "output.added": gettext_lazy("recorded the output “%(title)s”"),
    "output.updated": gettext_lazy("updated the output “%(title)s”"),
    "closing_report.written": gettext_lazy("wrote the closing report"),
    "review_note.added": gettext_lazy("wrote a review note"),
    "review_meeting.scheduled": gettext_lazy("put the team on the agenda of the review “%(title)s”"),
    "review_meeting.minutes": gettext_lazy("recorded the minutes of the review “%(title)s”"),
    "webhook.created": gettext_lazy("added a webhook"),
    "webhook.deleted": gettext_lazy("removed a webhook"),
    "webhook.enabled": gettext_lazy("switched a webhook on"),
    "webhook.disabled": gettext_lazy("switched a webhook off"),
}
CHAT_KINDS = frozenset({"message.posted", "message.edited", "message.deleted", "reaction.added",
                        "reaction.removed"})
# Not lines of their own: bookkeeping, chat (summarised instead), re-ranks that come with a move.
UNLISTED = QUIET_KINDS | CHAT_KINDS | {"columns.reranked", "column.reranked"}


def _date(value: object) -> str:
    """An ISO date from an event's data in the active language's format; "" if missing or malformed."""
    if not isinstance(value, str):
        return ""
    try:
        return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    except ValueError:
        return ""


def describe(event: Event) -> str:
    """"added Ada Lovelace as expert", in the active language."""
    template = TEXT.get(event.kind)
    if template is None:  # an event of a kind since retired
        return _("changed something")
    data = event.data if isinstance(event.data, dict) else {}
    role = data.get("role")
    team = data["team"] if isinstance(data.get("team"), dict) else {}
    values = {
        "name": data.get("name") or _("someone"), "title": data.get("title", ""), "emoji": data.get("emoji", ""),
        "role": str(Membership.Role(role).label) if role in Membership.Role.values else "",
        "end_date": _date(data.get("end_date") or team.get("end_date")), "due_date": _date(data.get("due_date")),
    }
    return str(template) % values


@dataclass
class Line:
    seq: int
    when: datetime.datetime
    who: str
    text: str


def recent_activity(team: Team, *, limit: int = 15) -> list[Line]:
    """The team's latest activity: one line per event, and one per channel for the messages posted
    since the oldest of those lines. Two queries (three with chat), whatever the volume."""
    # A private channel's events are for its members only: every viewer reads this page (teams/discussion/access.py).
    recent = list(Event.objects.filter(team=team, private_channel=None).exclude(kind__in=UNLISTED)
                  .select_related("actor")
                  .order_by("-seq")[:limit])
    lines = [Line(event.seq, event.created_at, actor_name(event), describe(event)) for event in recent]
    since = recent[-1].seq if len(recent) == limit else 0
    chat = list(Event.objects.filter(team=team, kind="message.posted", seq__gt=since, private_channel=None)
                .values("data__channel").annotate(count=Count("id"), seq=Max("seq"), when=Max("created_at")))
    if chat:
        names = dict(Channel.objects.filter(team=team, pk__in=[row["data__channel"] for row in chat])
                     .values_list("pk", "name"))
        lines += [Line(row["seq"], row["when"], "", ngettext(
            "%(count)d message in #%(channel)s", "%(count)d messages in #%(channel)s", row["count"])
            % {"count": row["count"], "channel": names.get(row["data__channel"], "?")}) for row in chat]
    return sorted(lines, key=lambda line: -line.seq)[:limit]


def describe_card_event(event: Event, column_names: dict[int, str]) -> str:
    """One line of a card's history ("moved it from To do to Done"); column_names maps column ids to names."""
    data = event.data

    def column(pk: int | None) -> str:
        return (column_names.get(pk) if pk is not None else None) or _("a removed column")
    if event.kind == "card.created":
        return _("created the card in %(column)s") % {"column": column(data.get("column"))}
    if event.kind == "card.moved":
        return _("moved it from %(source)s to %(target)s") % {"source": column(data.get("from_column")),
                                                              "target": column(data.get("column"))}
    if event.kind == "card.updated":
        names = []
        for name in data.get("changes", []):
            try:
                field = Card._meta.get_field(name)
            except FieldDoesNotExist:  # a field that no longer exists
                field = None
            # Services name the card's own fields; a reverse relation (no verbose name) is none of them.
            names.append(str(field.verbose_name) if isinstance(field, Field) else _("a former field"))
        return _("changed %(fields)s") % {"fields": ", ".join(names)}
    if event.kind == "card.archived":
        return _("archived it")
    if event.kind == "card.restored":
        return _("brought it back")
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


def actor_name(event: Event) -> str:
    actor = event.actor
    return (actor.get_full_name() or actor.username) if actor else _("The system")
