"""Every read of direct messages, each a constant number of queries whatever the number of conversations or
messages: the list (conversations with unread counts: 1, their participants: 1), the header's total (1),
a conversation's page or history page (participants 1, messages 1, reactions 1)."""
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from teams.discussion.selectors import reaction_summary

from .messages import display_name
from .models import Conversation, DirectMessage, DirectReaction, Participant

PAGE_SIZE = 50


def _participants() -> Prefetch:
    return Prefetch("participants", queryset=Participant.objects.select_related("user").only(
        "conversation_id", "last_read_id", "user__username", "user__first_name", "user__last_name",
        "user__is_active").order_by("user__first_name", "user__last_name", "user_id"))


def title(conversation: Conversation, viewer: User) -> str:
    """Its name, or the other participants' names (from the prefetched participants)."""
    if conversation.name:
        return conversation.name
    return ", ".join(display_name(p.user) for p in conversation.participants.all() if p.user_id != viewer.pk)


def conversations(user: User) -> list[Any]:
    """The viewer's conversations, newest first, each with `unread` and `title`."""
    last_read = Participant.objects.filter(conversation=OuterRef("pk"), user=user).values("last_read_id")[:1]
    rows = list(Conversation.objects.filter(participants__user=user)
                .annotate(my_last_read=Coalesce(Subquery(last_read), Value(0), output_field=IntegerField()))
                .annotate(unread=Count("messages", filter=Q(messages__id__gt=F("my_last_read"),
                                                            messages__deleted_at=None) & ~Q(messages__author=user)))
                .prefetch_related(_participants()).order_by("-last_message_at", "-pk"))
    for conversation in rows:
        conversation.title = title(conversation, user)  # type: ignore[attr-defined]
    return rows


def unread_total(user_id: int) -> int:
    """Messages by others past the person's read marker, in all their conversations (the header's count)."""
    return (DirectMessage.objects.filter(conversation__participants__user_id=user_id,
                                         id__gt=F("conversation__participants__last_read_id"), deleted_at=None)
            .exclude(author_id=user_id).count())


def _decorate(messages: list[DirectMessage], viewer: User, participants: list[Participant]) -> None:
    """Reactions per emoji and "seen by": the participants (not the author) whose marker reached the message;
    a deleted message is seen by nobody (it shows nothing)."""
    for message in messages:
        message.reaction_summary = reaction_summary(  # type: ignore[attr-defined]
            message.reactions.all(), viewer, lambda reaction: display_name(reaction.user))
        message.seen_by = [display_name(p.user) for p in participants  # type: ignore[attr-defined]
                           if p.last_read_id >= message.pk and p.user_id != message.author_id
                           and not message.is_deleted]


def page(viewer: User, conversation: Conversation, *, before: int | None = None) -> dict:
    """One page of messages (the newest, or those before a message id), oldest first, with reactions, "seen by"
    and the participants."""
    participants = list(Participant.objects.filter(conversation=conversation).select_related("user")
                        .order_by("user__first_name", "user__last_name", "user_id"))
    queryset = DirectMessage.objects.filter(conversation=conversation)
    if before:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset.select_related("author").prefetch_related(
        Prefetch("reactions", queryset=DirectReaction.objects.select_related("user"))).order_by("-id")[:PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    messages = rows[:PAGE_SIZE][::-1]
    _decorate(messages, viewer, participants)
    return {"dm_messages": messages, "more": more, "participants": participants}
