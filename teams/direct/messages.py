"""Posting, editing and deleting direct messages. Each service locks the conversation (its log's next seq)
and checks the actor takes part before anything else, inside its transaction; bodies are checked and
rendered as channel messages are (Markdown, sanitised; @username of a participant is a mention)."""
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import mentions as mention_parser
from teams.discussion.messages import clean_body
from teams.discussion.rate_limit import post_rate_error, take_post_quota
from teams.markup import render_markdown

from . import log
from .access import conversation_for, message_in, require_author
from .models import Conversation, DirectEvent, DirectMessage, Participant


def display_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def render(body: str, usernames: dict[str, int], author: int) -> tuple[str, list[int]]:
    """(sanitised HTML, mentioned participant ids) of a body; `usernames`: the participants' lower-cased logins.
    The author's own @name is marked but not listed: nobody is told they mentioned themselves."""
    mentioned = mention_parser.names(mention_parser.tokens(body), usernames.keys())
    marked = mention_parser.outside_code(body, lambda part: mention_parser.mark(
        part, set(mentioned), lambda text: f'<span class="mention">{text}</span>'))
    return str(render_markdown(marked)), sorted({usernames[name] for name in mentioned} - {author})


def _usernames(conversation: Conversation) -> dict[str, int]:
    return {username.lower(): user_id for user_id, username in Participant.objects.filter(
        conversation=conversation).values_list("user_id", "user__username")}


def message_data(message: DirectMessage) -> dict:
    return {"message": message.pk, "author": message.author_id, "author_name": display_name(message.author),
            "body": message.body, "html": message.html, "mentions": list(message.mentions),
            "created_at": message.created_at.isoformat(),
            "edited_at": message.edited_at.isoformat() if message.edited_at else None}


def _others(conversation: Conversation, actor: User) -> list[int]:
    return list(Participant.objects.filter(conversation=conversation).exclude(user=actor)
                .values_list("user_id", flat=True))


@transaction.atomic
def post_message(actor: User, conversation_id: int, *, body: str) -> DirectEvent:
    conversation = conversation_for(actor, conversation_id, lock=True)
    body = clean_body(body)
    if take_post_quota(actor, 1) < 1:  # the same per-person budget as channel posts
        raise post_rate_error()
    html, mentions = render(body, _usernames(conversation), actor.pk)
    message = DirectMessage.objects.create(conversation=conversation, author=actor, body=body, html=html,
                                           mentions=mentions)
    Participant.objects.filter(conversation=conversation, user=actor).update(last_read_id=message.pk)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
    return log.record(conversation, "message.posted", actor, message_data(message),
                      unread_changed_for=_others(conversation, actor))


@transaction.atomic
def edit_message(actor: User, conversation_id: int, *, message: int, body: str) -> DirectEvent:
    conversation = conversation_for(actor, conversation_id, lock=True)
    target = message_in(conversation, message, lock=True)
    require_author(actor, target)
    if target.is_deleted:
        raise ValidationError(_("This message was deleted."))
    target.body = clean_body(body)
    target.html, target.mentions = render(target.body, _usernames(conversation), actor.pk)
    target.edited_at = timezone.now()
    target.save(update_fields=["body", "html", "mentions", "edited_at"])
    return log.record(conversation, "message.edited", actor, message_data(target))


@transaction.atomic
def delete_message(actor: User, conversation_id: int, *, message: int) -> DirectEvent:
    """Soft: the row stays as "message deleted", its text, mentions and reactions go."""
    conversation = conversation_for(actor, conversation_id, lock=True)
    target = message_in(conversation, message, lock=True)
    require_author(actor, target)
    if target.is_deleted:
        raise ValidationError(_("This message was already deleted."))
    target.body, target.html, target.mentions, target.deleted_at = "", "", [], timezone.now()
    target.save(update_fields=["body", "html", "mentions", "deleted_at"])
    target.reactions.all().delete()
    return log.record(conversation, "message.deleted", actor, {"message": target.pk, "author": target.author_id},
                      unread_changed_for=_others(conversation, actor))
