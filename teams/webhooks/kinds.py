"""The team event kinds an endpoint may receive (docs/realtime.md, docs/board.md), grouped as the form shows
them. Bookkeeping events (read markers, thread subscriptions) and the webhooks' own are not offered."""
from django.utils.translation import gettext_lazy as _

GROUPS = [
    (_("Team"), ["team.proposed", "team.launched", "team.updated", "team.extended", "team.ending_soon",
                 "team.ended", "team.concluded", "team.archived"]),
    (_("Members and invitations"), ["member.added", "member.requested", "member.declined", "member.role_changed",
                                    "member.removed", "invitation.sent", "invitation.resent", "invitation.revoked",
                                    "invitation.accepted", "invitation.declined", "invitation.expired",
                                    "contribution.changed"]),
    (_("Board"), ["board.created", "column.created", "column.updated", "column.moved", "column.archived",
                  "card.created", "card.updated", "card.moved", "card.archived", "card.restored",
                  "card.checklist_changed", "card.commented", "card.attachment_added", "card.attachment_removed",
                  "card.due_soon", "label.created", "label.updated", "label.deleted"]),
    # A private channel's events are never sent (teams/discussion/access.py), whatever the kind.
    (_("Discussion"), ["channel.created", "channel.updated", "channel.archived", "channel.unarchived",
                       "message.posted", "message.edited", "message.deleted", "message.pinned", "message.unpinned",
                       "reaction.added", "reaction.removed", "discussion.settings_changed"]),
    (_("Review and outputs"), ["output.added", "output.updated", "closing_report.written", "review_note.added",
                               "review_meeting.scheduled", "review_meeting.minutes"]),
]
KINDS = frozenset(kind for _group, kinds in GROUPS for kind in kinds)


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a form field (the kind is its own label: it is what the receiver gets)."""
    return [(str(group), [(kind, kind) for kind in kinds]) for group, kinds in GROUPS]
