"""Pinned messages: a channel's "Pinned" panel. Whoever may post in the channel pins and unpins
(Action.CONTRIBUTE, the channel readable and not archived: teams/discussion/access.py).

The events carry ids only (no text): the panel is read from the server (selectors.pinned), so erasing
a message or a person's messages leaves no copy of the text in the log.
"""
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Team
from teams.permissions import Action, lock_and_require

from . import access
from .messages import get_message
from .models import Message, Pin

MAX_PINS = 50  # a panel people read, not a second channel


def _pinnable(actor: User, team: Team, message: Message | int) -> tuple[Team, Message]:
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    found = get_message(team, message, lock=True)
    access.require_readable(actor, found.channel)
    access.require_open(found.channel)
    return team, found


def _data(message: Message, actor: User) -> dict:
    return {"channel": message.channel_id, "message": message.pk, "thread": message.thread_id, "by": actor.pk}


@transaction.atomic
def pin_message(actor: User, team: Team, *, message: Message | int) -> Event | None:
    """None when it is pinned already."""
    team, found = _pinnable(actor, team, message)
    if found.is_deleted:
        raise ValidationError(_("This message was deleted."))
    if Pin.objects.filter(message=found).exists():
        return None
    if Pin.objects.filter(channel_id=found.channel_id).count() >= MAX_PINS:
        raise ValidationError(_("A channel has at most %(max)d pinned messages: unpin one first.") % {"max": MAX_PINS})
    Pin.objects.create(channel_id=found.channel_id, message=found, pinned_by=actor)
    return events.record(team, "message.pinned", actor, _data(found, actor))


@transaction.atomic
def unpin_message(actor: User, team: Team, *, message: Message | int) -> Event | None:
    """None when it was not pinned."""
    team, found = _pinnable(actor, team, message)
    if not Pin.objects.filter(message=found).delete()[0]:
        return None
    return events.record(team, "message.unpinned", actor, _data(found, actor))
