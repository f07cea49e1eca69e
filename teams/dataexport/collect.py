"""Everything the workspace holds about one person, read in bulk: a fixed number of queries however much
they wrote (tests/test_dataexport_content.py measures it). `collect(person)` returns the JSON-ready document
(data.json's content, SCHEMA) and the attachments whose files go into the ZIP.

Texts that depend on a language (roles, states, notification sentences) are in the language active when it
is called: the job calls it in the person's language.
"""
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from teams.audit.models import AuditEntry
from teams.board.models import Attachment, Card, Comment
from teams.direct.models import DirectMessage
from teams.discussion.models import Message, Reaction
from teams.models import Membership, Profile
from teams.notify.models import Notification
from teams.notify.services import language_of

SCHEMA = "healthcapital.dataexport/1"
LOGIN_KINDS = ("login", "login.failed", "logout")


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _profile(person: User) -> dict:
    profile = (Profile.objects.select_related("organisation").prefetch_related("fields_of_action", "expertise__keyword")
               .filter(user=person).first())
    organisation = profile.organisation if profile else None
    return {
        "username": person.username, "first_name": person.first_name, "last_name": person.last_name,
        "email": person.email, "active": person.is_active, "joined": iso(person.date_joined),
        "last_login": iso(person.last_login), "language": language_of(person),
        "organisation": {"name": organisation.name, "sector": organisation.sector,
                         "location": organisation.location} if organisation else None,
        "fields_of_action": [{"code": field.code, "name": field.name}
                             for field in (profile.fields_of_action.all() if profile else [])],
        "expertise": [item.keyword.label for item in (profile.expertise.all() if profile else [])],
    }


def _memberships(person: User) -> list[dict]:
    rows = Membership.objects.filter(user=person).select_related("team", "contribution").order_by("created_at", "id")
    found = []
    for membership in rows:
        contribution = getattr(membership, "contribution", None)
        found.append({
            "team": membership.team.name, "team_slug": membership.team.slug, "role": membership.role,
            "role_label": str(membership.get_role_display()), "state": membership.state,
            "state_label": str(membership.get_state_display()), "since": iso(membership.created_at),
            "team_start": iso(membership.team.start_date), "team_end": iso(membership.team.end_date),
            "message": membership.message,
            "contribution": None if contribution is None else {
                "hours_per_month": contribution.hours_per_month, "facilities": contribution.facilities,
                "data": contribution.data, "funding": contribution.funding, "network": contribution.network,
                "updated": iso(contribution.updated_at)},
        })
    return found


def _messages(person: User) -> list[dict]:
    rows = Message.objects.filter(author=person).select_related("channel", "team").order_by("created_at", "id")
    return [{"id": message.pk, "team": message.team.name, "channel": message.channel.name,
             "reply_to": message.thread_id, "time": iso(message.created_at), "body": message.body,
             "edited": iso(message.edited_at), "deleted": iso(message.deleted_at)} for message in rows]


def _direct_messages(person: User) -> list[dict]:
    """Their own direct messages (what others wrote to them is the others' data)."""
    rows = DirectMessage.objects.filter(author=person).order_by("created_at", "id")
    return [{"id": message.pk, "conversation": message.conversation_id, "time": iso(message.created_at),
             "body": message.body, "edited": iso(message.edited_at), "deleted": iso(message.deleted_at)}
            for message in rows]


def _comments(person: User) -> list[dict]:
    rows = Comment.objects.filter(author=person).select_related("card__team").order_by("created_at", "id")
    return [{"id": comment.pk, "team": comment.card.team.name, "card": comment.card.title,
             "card_id": comment.card_id, "time": iso(comment.created_at), "body": comment.body} for comment in rows]


def _cards(person: User) -> list[dict]:
    assigned = set(Card.assignees.through.objects.filter(user=person).values_list("card_id", flat=True))
    rows = (Card.objects.filter(Q(created_by=person) | Q(pk__in=assigned)).select_related("team", "column")
            .prefetch_related("labels").order_by("created_at", "id"))
    return [{"id": card.pk, "team": card.team.name, "title": card.title, "description": card.description,
             "column": card.column.name, "due": iso(card.due_date), "priority": card.priority,
             "labels": [label.name for label in card.labels.all()], "archived": card.archived,
             "created": iso(card.created_at), "created_by_you": card.created_by_id == person.pk,
             "assigned_to_you": card.pk in assigned} for card in rows]


def _reactions(person: User) -> list[dict]:
    rows = Reaction.objects.filter(user=person).select_related("message__channel", "message__team").order_by("id")
    return [{"emoji": reaction.emoji, "message_id": reaction.message_id, "team": reaction.message.team.name,
             "channel": reaction.message.channel.name, "time": iso(reaction.created_at)} for reaction in rows]


def attachments_of(person: User) -> list[Attachment]:
    return list(Attachment.objects.filter(uploaded_by=person).select_related("card__team").order_by("created_at", "id"))


def _files(attachments: list[Attachment], names: dict[int, str]) -> list[dict]:
    return [{"id": item.pk, "name": item.name, "team": item.card.team.name, "card": item.card.title,
             "content_type": item.content_type, "size": item.size, "time": iso(item.created_at),
             "path": names.get(item.pk)} for item in attachments]


def _notifications(person: User) -> list[dict]:
    rows = Notification.objects.filter(recipient=person).order_by("created_at", "id")
    return [{"kind": item.kind, "text": item.text, "time": iso(item.created_at), "read": iso(item.read_at),
             "emailed": iso(item.emailed_at)} for item in rows]


def _logins(person: User) -> list[dict]:
    rows = (AuditEntry.objects.filter(kind__in=LOGIN_KINDS).filter(Q(actor=person) | Q(subject=person))
            .order_by("at", "id"))
    return [{"kind": entry.kind, "time": iso(entry.at), "address": entry.address} for entry in rows]


def collect(person: User, attachments: list[Attachment], names: dict[int, str]) -> dict:
    """data.json: `names` maps an attachment's id to its path in the ZIP (absent: its file was missing)."""
    return {
        "schema": SCHEMA, "created": iso(timezone.now()), "person": person.pk,
        "profile": _profile(person), "memberships": _memberships(person), "messages": _messages(person),
        "direct_messages": _direct_messages(person),
        "card_comments": _comments(person), "cards": _cards(person), "reactions": _reactions(person),
        "files": _files(attachments, names), "notifications": _notifications(person), "logins": _logins(person),
    }
