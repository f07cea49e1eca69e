"""A team's channels: "general" at launch, more on request (Action.CONTRIBUTE).

Each service follows `teams.permissions.lock_and_require`'s lock contract: the team row is
locked and the actor checked first, inside the service's transaction.
"""
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Team
from teams.permissions import Action, lock_and_require

from .models import Channel
from .rendering import existing_cards
from .team_settings import settings_for

GENERAL = "general"


def set_up_channels(team: Team, actor: User | None) -> Event | None:
    """Called (inside the launch transaction) when a team is launched: its "general" channel."""
    settings_for(team)
    if Channel.objects.filter(team=team, name=GENERAL).exists():
        return None
    channel = Channel.objects.create(team=team, name=GENERAL, topic=_("Everything the team talks about"),
                                     created_by=actor if actor and actor.pk else None)
    return events.record(team, "channel.created", actor, channel_data(channel))


def channel_data(channel: Channel) -> dict:
    return {"channel": channel.pk, "name": channel.name, "topic": channel.topic, "card": channel.card_id}


@transaction.atomic
def create_channel(actor: User, team: Team, *, name: str, topic: str = "", card: int | None = None) -> Channel:
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    name = " ".join((name or "").split()).lstrip("#")
    if not name:
        raise ValidationError({"name": _("Give the channel a name.")})
    if len(name) > 60 or len(topic or "") > 300:
        raise ValidationError({"name": _("Channel names have at most 60 characters, topics 300.")})
    if "<" in name + (topic or "") and ">" in name + (topic or ""):
        raise ValidationError({"name": _("HTML tags are not allowed here.")})
    if Channel.objects.filter(team=team, name__iexact=name).exists():
        raise ValidationError({"name": _("The team already has a channel called #%(name)s.") % {"name": name}})
    if card is not None and card not in existing_cards(team, {card}):
        raise ValidationError({"card": _("There is no task #%(card)s on this team's board.") % {"card": card}})
    channel = Channel.objects.create(team=team, name=name, topic=topic or "", card_id=card, created_by=actor)
    channel.event = events.record(team, "channel.created", actor, channel_data(channel))
    return channel
