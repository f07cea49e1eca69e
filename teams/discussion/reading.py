"""Read markers and thread subscriptions: everyone who may see the team has them (observers too).
Each service follows `teams.permissions.lock_and_require`'s lock contract: the team row is
locked and the actor checked first, inside the service's transaction.
"""
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Team
from teams.permissions import Action, lock_and_require

from .messages import as_id, get_channel, get_message
from .models import Channel, Message, ReadMarker, ThreadSubscription


def _subscribe(root: Message, user: User, state: str = ThreadSubscription.State.FOLLOW, *,
               keep_existing: bool = True) -> None:
    if keep_existing:
        ThreadSubscription.objects.get_or_create(root=root, user=user, defaults={"state": state})
    else:
        ThreadSubscription.objects.update_or_create(root=root, user=user, defaults={"state": state})


def _advance_marker(channel: Channel, user: User, message_id: int) -> bool:
    """Move the person's read marker forward (never back); True if it moved."""
    updated = ReadMarker.objects.filter(channel=channel, user=user, last_read_id__lt=message_id).update(
        last_read_id=message_id, updated_at=timezone.now())
    if updated:
        return True
    _marker, created = ReadMarker.objects.get_or_create(channel=channel, user=user,
                                                        defaults={"last_read_id": message_id})
    return created


@transaction.atomic
def mark_read(actor: User, team: Team, *, channel: Channel | int, message: Message | int) -> Event | None:
    """Everyone who may see the team has read markers (observers too). Returns the event or None."""
    team = lock_and_require(actor, Action.VIEW, team)
    channel = get_channel(team, channel, actor)
    message = Message.objects.only("pk").get(pk=as_id(message), channel=channel)
    if not _advance_marker(channel, actor, message.pk):
        return None
    return events.record(team, "message.read", actor, {"channel": channel.pk, "user": actor.pk,
                                                       "message": message.pk})


@transaction.atomic
def set_thread_subscription(actor: User, team: Team, *, message: Message | int, state: str) -> Event:
    """Follow or mute a thread ("" returns to the default: following threads you took part in)."""
    team = lock_and_require(actor, Action.VIEW, team)
    if state not in ("", *ThreadSubscription.State.values):
        raise ValidationError({"state": _("Choose follow, mute or neither.")})
    root = get_message(team, message, actor=actor)
    root = root.thread or root
    if state:
        _subscribe(root, actor, state, keep_existing=False)
    else:
        ThreadSubscription.objects.filter(root=root, user=actor).delete()
    return events.record(team, "thread.subscription", actor, {"channel": root.channel_id, "message": root.pk,
                                                              "thread": root.pk, "user": actor.pk,
                                                              "state": state})
