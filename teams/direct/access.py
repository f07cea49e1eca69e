"""Who may do what with direct messages, in one place.

Any active, signed-in person starts a conversation with other active people; only its participants read it,
post, react and mark it read (everyone else, cluster management, admins and staff included, gets "not
found": a conversation's existence is not revealed); only a message's author edits or deletes it.
"""
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Conversation, DirectMessage


def may_use(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def conversation_for(user: User | AnonymousUser, conversation_id: object, *, lock: bool = False) -> Conversation:
    """The conversation if `user` takes part in it; Conversation.DoesNotExist otherwise (the same for one that
    does not exist). `lock`: inside a service's transaction, the row is locked (its log's next seq)."""
    if not may_use(user) or not isinstance(conversation_id, (int, str)):
        raise Conversation.DoesNotExist
    queryset = Conversation.objects.filter(pk=conversation_id, participants__user_id=cast(int, user.pk))
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get()


def message_in(conversation: Conversation, message_id: int, *, lock: bool = False) -> DirectMessage:
    queryset = DirectMessage.objects.select_related("author")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=message_id, conversation=conversation)


def require_author(user: User, message: DirectMessage) -> None:
    if message.author_id != user.pk:
        raise PermissionDenied(_("You can change only your own messages."))
