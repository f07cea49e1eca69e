"""Reactions to messages (one of REACTIONS per person and message).

Each service follows `teams.permissions.lock_and_require`'s lock contract: the team row is
locked and the actor checked first, inside the service's transaction.
"""
from collections.abc import Callable
from typing import Protocol, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Team
from teams.permissions import Action, lock_and_require

from .access import require_open
from .messages import get_message
from .models import Message, Reaction

REACTIONS = ["👍", "❤️", "🎉", "😄", "🤔", "👀", "✅", "🙏"]


class Deletable(Protocol):
    @property
    def is_deleted(self) -> bool: ...


M = TypeVar("M", bound=Deletable)


def reaction_target(emoji: str, fetch: Callable[[], M]) -> M:
    """The message `fetch` reads, if `emoji` may be added to it (or taken back): one of REACTIONS, the message
    not deleted. The rule of channels and direct messages (teams/direct/reactions.py)."""
    if emoji not in REACTIONS:
        raise ValidationError({"emoji": _("Choose one of the offered reactions.")})
    message = fetch()
    if message.is_deleted:
        raise ValidationError(_("This message was deleted."))
    return message


def _reaction_target(actor: User, team: Team, message: Message | int, emoji: str) -> Message:
    def fetch() -> Message:
        found = get_message(team, message, actor=actor)
        require_open(found.channel)
        return found

    return reaction_target(emoji, fetch)


def _reaction_data(message: Message, emoji: str, actor: User) -> dict:
    count = Reaction.objects.filter(message=message, emoji=emoji).count()
    return {"channel": message.channel_id, "message": message.pk, "thread": message.thread_id,
            "author": message.author_id, "emoji": emoji, "user": actor.pk, "count": count}


@transaction.atomic
def add_reaction(actor: User, team: Team, *, message: Message | int, emoji: str) -> Event | None:
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    message = _reaction_target(actor, team, message, emoji)
    _reaction, created = Reaction.objects.get_or_create(message=message, user=actor, emoji=emoji)
    if not created:
        return None  # already there: nothing changed
    return events.record(team, "reaction.added", actor, _reaction_data(message, emoji, actor))


@transaction.atomic
def remove_reaction(actor: User, team: Team, *, message: Message | int, emoji: str) -> Event | None:
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    message = _reaction_target(actor, team, message, emoji)
    deleted, _rows = Reaction.objects.filter(message=message, user=actor, emoji=emoji).delete()
    if not deleted:
        return None
    return events.record(team, "reaction.removed", actor, _reaction_data(message, emoji, actor))
