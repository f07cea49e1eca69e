"""Reactions (the channels' set, teams.discussion.reactions.REACTIONS) and read markers in a conversation."""
from django.contrib.auth.models import User
from django.db import transaction

from teams.discussion.reactions import reaction_target

from . import log
from .access import conversation_for, message_in
from .models import Conversation, DirectEvent, DirectMessage, DirectReaction, Participant


def _target(conversation: Conversation, message: int, emoji: str) -> DirectMessage:
    return reaction_target(emoji, lambda: message_in(conversation, message))


def _data(target: DirectMessage, emoji: str, actor: User) -> dict:
    return {"message": target.pk, "emoji": emoji, "user": actor.pk,
            "count": DirectReaction.objects.filter(message=target, emoji=emoji).count()}


@transaction.atomic
def add_reaction(actor: User, conversation_id: int, *, message: int, emoji: str) -> DirectEvent | None:
    conversation = conversation_for(actor, conversation_id, lock=True)
    target = _target(conversation, message, emoji)
    _reaction, created = DirectReaction.objects.get_or_create(message=target, user=actor, emoji=emoji)
    if not created:
        return None  # already there: nothing changed
    return log.record(conversation, "reaction.added", actor, _data(target, emoji, actor))


@transaction.atomic
def remove_reaction(actor: User, conversation_id: int, *, message: int, emoji: str) -> DirectEvent | None:
    conversation = conversation_for(actor, conversation_id, lock=True)
    target = _target(conversation, message, emoji)
    deleted, _rows = DirectReaction.objects.filter(message=target, user=actor, emoji=emoji).delete()
    if not deleted:
        return None
    return log.record(conversation, "reaction.removed", actor, _data(target, emoji, actor))


@transaction.atomic
def mark_read(actor: User, conversation_id: int, *, message: int) -> DirectEvent | None:
    """Move the actor's read marker forward to `message` (never back): "seen by" and unread counts follow."""
    conversation = conversation_for(actor, conversation_id, lock=True)
    target = message_in(conversation, message)
    if not Participant.objects.filter(conversation=conversation, user=actor, last_read_id__lt=target.pk).update(
            last_read_id=target.pk):
        return None
    return log.record(conversation, "message.read", actor, {"user": actor.pk, "message": target.pk},
                      unread_changed_for=[actor.pk])
