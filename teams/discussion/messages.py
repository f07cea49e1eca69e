"""Messages by id within a team, what message events carry, and the changes to a posted message
(edit, delete).

Each service follows `teams.permissions.lock_and_require`'s lock contract: the team row is
locked and the actor checked first, inside the service's transaction.
"""
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Team
from teams.permissions import Action, lock_and_require, may_edit_message, may_remove_message
from teams.text_input import check_lines

from . import access
from .files import discard_files
from .models import MAX_MESSAGE_LENGTH, Channel, Message, Pin
from .rendering import render_body, resolve_mentions


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def as_id(value: Model | int | str) -> int | str:
    return value.pk if hasattr(value, "pk") else value


def get_channel(team: Team, channel: Channel | int | str, actor: User | None = None) -> Channel:  # str: JSON's
    """The team's channel; with `actor`, only one they may read (a private channel's members)."""
    found = Channel.objects.get(pk=as_id(channel), team=team)
    return found if actor is None else access.require_readable(actor, found)


def get_message(team: Team, message: Message | int, *, lock: bool = False, actor: User | None = None) -> Message:
    """The team's message; with `actor`, only one in a channel they may read."""
    queryset = Message.objects.select_related("channel", "author")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    found = queryset.get(pk=as_id(message), team=team)
    if actor is not None:
        access.require_readable(actor, found.channel)
    return found


def clean_body(body: object) -> str:
    """A message's text by the same rules whichever way it comes (page, socket, API): lines of plain text (no
    control characters but line breaks and tabs, no bidi overrides, nothing that arrived as other than UTF-8)."""
    if body is not None and not isinstance(body, str):
        raise ValidationError({"body": _("Enter text.")})
    try:
        check_lines(body)
    except ValidationError as exc:
        raise ValidationError({"body": exc.messages}) from exc
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")}, code="empty")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError({"body": _("A message has at most %(max)d characters (this one has %(n)d).")
                               % {"max": MAX_MESSAGE_LENGTH, "n": len(body)}}, code="too_long")
    return body


def message_data(message: Message, **extra) -> dict:
    data = {
        "channel": message.channel_id, "message": message.pk, "thread": message.thread_id,
        "author": message.author_id, "author_name": _name(message.author),
        "body": message.body, "html": message.html, "mentions": list(message.mentions),
        "team_mention": message.team_mention, "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
    }
    data.update(extra)
    return data


@transaction.atomic
def edit_message(actor: User, team: Team, *, message: Message | int, body: str) -> Event:
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    message = get_message(team, message, lock=True, actor=actor)
    access.require_open(message.channel)
    if not may_edit_message(actor, author_id=message.author_id):
        raise PermissionDenied(_("You can edit only your own messages."))
    if message.is_deleted:
        raise ValidationError(_("This message was deleted."))
    body = clean_body(body)
    names: dict[int, str] = {}
    mentions, team_mention = resolve_mentions(actor, team, body, names=names)
    added = [user_id for user_id in mentions if user_id not in message.mentions]
    message.body, message.mentions, message.team_mention = body, mentions, team_mention
    message.html = render_body(team, body, mentions, usernames=names.values())
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "html", "mentions", "team_mention", "edited_at"])
    return events.record(team, "message.edited", actor, message_data(message, added_mentions=added))


@transaction.atomic
def delete_message(actor: User, team: Team, *, message: Message | int) -> Event:
    """Your own messages; leads and supporters (and cluster management) remove others'."""
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    message = get_message(team, message, lock=True, actor=actor)
    access.require_open(message.channel)
    if not may_remove_message(actor, team, author_id=message.author_id):
        raise PermissionDenied(_("Only leads and supporters can remove other people's messages."))
    if message.is_deleted:
        raise ValidationError(_("This message was already deleted."))
    blank(message, actor)
    message.save(update_fields=DELETED_FIELDS)
    message.reactions.all().delete()
    discard_files([message.pk])  # deleting the message deletes its files
    Pin.objects.filter(message=message).delete()  # the panel shows no placeholder
    return events.record(team, "message.deleted", actor, deleted_data(message, actor))


# What deleting a message changes, for one message here and for many (teams.erasure deletes a person's messages).
DELETED_FIELDS = ["body", "html", "mentions", "team_mention", "deleted_at", "deleted_by"]


def blank(message: Message, actor: User) -> None:
    """Empty the message, leaving the placeholder "deleted" (the caller saves DELETED_FIELDS)."""
    message.body, message.html, message.mentions, message.team_mention = "", "", [], False
    message.deleted_at, message.deleted_by = timezone.now(), actor


def deleted_data(message: Message, actor: User) -> dict:
    return {"channel": message.channel_id, "message": message.pk, "thread": message.thread_id,
            "author": message.author_id, "by": actor.pk}
