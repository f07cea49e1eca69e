"""A conversation's event log and its doorbell, as teams/events.py is a team's.

`record` runs inside the service's transaction, after the service locked the conversation row
(`access.locked`): the number is the next of `Conversation.last_seq`, so a conversation's seqs are
gapless and ordered. After commit the conversation's group "dm.<id>" rings (its sockets read the log
from where they are: the ring carries nothing, realtime/direct.py) and so do the personal groups of
those whose unread count changed (the header's count, realtime/notifications.py).
"""
import logging
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from teams.events import group_send
from teams.notify.services import user_group

from .models import Conversation, DirectEvent

log = logging.getLogger(__name__)

REPLAY_LIMIT = 500  # events per read of the log: a resume reads batches until it is caught up


def conversation_group(conversation_id: int) -> str:
    return f"dm.{conversation_id}"


def record(conversation: Conversation, kind: str, actor: User, data: dict, *,
           unread_changed_for: Iterable[int] = ()) -> DirectEvent:
    """Store the event with the conversation's next seq; ring after commit. `unread_changed_for`: the people
    whose unread count this event changes (their header count is told)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("direct events are recorded inside the service's transaction")
    Conversation.objects.filter(pk=conversation.pk).update(last_seq=F("last_seq") + 1)
    conversation.last_seq = Conversation.objects.values_list("last_seq", flat=True).get(pk=conversation.pk)
    event = DirectEvent.objects.create(conversation=conversation, seq=conversation.last_seq, kind=kind,
                                       actor=actor, data={"conversation": conversation.pk, **data},
                                       created_at=timezone.now())
    people = sorted(set(unread_changed_for))
    transaction.on_commit(lambda: ring(conversation.pk, event.seq, people))
    return event


def ring(conversation_id: int, seq: int, people: list[int]) -> None:
    try:
        group_send(conversation_group(conversation_id), {"type": "dm.ring", "seq": seq})
        for user_id in people:
            group_send(user_group(user_id), {"type": "dm.unread"})
    except Exception:  # only a doorbell: sockets catch up from the log (resume, heartbeat)
        log.warning("could not ring conversation %s", conversation_id, exc_info=True)


def events_after(conversation_id: int, seq: int, limit: int = REPLAY_LIMIT) -> list[DirectEvent]:
    return list(DirectEvent.objects.filter(conversation_id=conversation_id, seq__gt=seq).order_by("seq")[:limit])
