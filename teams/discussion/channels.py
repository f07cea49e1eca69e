"""A team's channels: "general" at launch, more on request (Action.CONTRIBUTE), public or private
(members chosen by the creator: teams/discussion/access.py). Renaming, archiving, members: channel_admin.py.

Each service follows `teams.permissions.lock_and_require`'s lock contract: the team row is
locked and the actor checked first, inside the service's transaction.
"""
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Membership, Team
from teams.permissions import Action, lock_and_require

from .models import Channel, ChannelMember
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


def channel_data(channel: Channel, **extra) -> dict:
    return {"channel": channel.pk, "name": channel.name, "topic": channel.topic, "card": channel.card_id,
            "private": channel.private, "archived": channel.archived_at is not None, **extra}


def clean_name(team: Team, name: str, topic: str, *, channel: Channel | None = None) -> str:
    """The name as stored (spaces collapsed, no leading #), or the refusal; `channel`: the one being renamed."""
    name = " ".join((name or "").split()).lstrip("#")
    if not name:
        raise ValidationError({"name": _("Give the channel a name.")})
    if len(name) > 60 or len(topic or "") > 300:
        raise ValidationError({"name": _("Channel names have at most 60 characters, topics 300.")})
    if "<" in name + (topic or "") and ">" in name + (topic or ""):
        raise ValidationError({"name": _("HTML tags are not allowed here.")})
    # A private channel's name is taken too: saying so tells only that the name exists.
    same = Channel.objects.filter(team=team, name__iexact=name)
    if (same.exclude(pk=channel.pk) if channel is not None else same).exists():
        raise ValidationError({"name": _("The team already has a channel called #%(name)s.") % {"name": name}})
    return name


def team_members(team: Team, user_ids: Iterable[int]) -> list[int]:
    """The ids, if each is an active member of the team (or the refusal)."""
    wanted = set(user_ids)
    found = set(Membership.objects.filter(team=team, state=Membership.State.ACTIVE, user_id__in=wanted)
                .values_list("user_id", flat=True))
    if wanted - found:
        raise ValidationError({"members": _("Only the team's members can be added to a channel.")})
    return sorted(found)


@transaction.atomic
def create_channel(actor: User, team: Team, *, name: str, topic: str = "", card: int | None = None,
                   private: bool = False, members: Iterable[int] = ()) -> Channel:
    """A public channel, or a private one for `members` and its creator."""
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    name = clean_name(team, name, topic)
    if card is not None and card not in existing_cards(team, {card}):
        raise ValidationError({"card": _("There is no task #%(card)s on this team's board.") % {"card": card}})
    chosen = team_members(team, {*members, actor.pk}) if private else []
    channel = Channel.objects.create(team=team, name=name, topic=topic or "", card_id=card, created_by=actor,
                                     private=private)
    ChannelMember.objects.bulk_create([ChannelMember(channel=channel, user_id=user_id) for user_id in chosen])
    extra = {"members": chosen} if private else {}
    channel.event = events.record(team, "channel.created", actor, channel_data(channel, **extra))
    return channel
