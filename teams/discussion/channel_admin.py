"""Managing a channel: rename and describe it, archive and unarchive it, choose a private channel's members.

Who may: teams/discussion/access.py. Each service follows `teams.permissions.lock_and_require`'s lock
contract (the team row locked and the actor checked first, inside the service's transaction); a channel
the actor cannot see is not found (Channel.DoesNotExist), whatever their role.
"""
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Team
from teams.permissions import Action, lock_and_require

from . import access
from .channels import channel_data, clean_name, team_members
from .messages import as_id
from .models import Channel, ChannelMember


def visible_channel(actor: User, team: Team, channel: Channel | int | str) -> Channel:
    """The team's channel by id, if the actor may read it (else Channel.DoesNotExist)."""
    return access.visible_channels(actor, team).get(pk=as_id(channel))


def _managed(actor: User, team: Team, channel: Channel | int | str) -> tuple[Team, Channel]:
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    channel = visible_channel(actor, team, channel)
    if not access.may_manage(actor, team):
        raise PermissionDenied(_("Only leads and supporters rename, describe and archive channels."))
    return team, channel


@transaction.atomic
def update_channel(actor: User, team: Team, *, channel: Channel | int | str, name: str | None = None,
                   topic: str | None = None) -> Event | None:
    """Rename and/or describe (the topic); None when nothing changed."""
    team, channel = _managed(actor, team, channel)
    new_topic = channel.topic if topic is None else topic.strip()
    new_name = clean_name(team, channel.name if name is None else name, new_topic, channel=channel)
    changes = [field for field, value in (("name", new_name), ("topic", new_topic)) if getattr(channel, field) != value]
    if not changes:
        return None
    channel.name, channel.topic = new_name, new_topic
    channel.save(update_fields=changes)
    return events.record(team, "channel.updated", actor, channel_data(channel, changes=changes))


@transaction.atomic
def set_archived(actor: User, team: Team, *, channel: Channel | int | str, archived: bool) -> Event | None:
    """Archive (read-only, listed under "Archived") or unarchive; None when it already is."""
    team, channel = _managed(actor, team, channel)
    if (channel.archived_at is not None) == archived:
        return None
    channel.archived_at, channel.archived_by = (timezone.now(), actor) if archived else (None, None)
    channel.save(update_fields=["archived_at", "archived_by"])
    if archived:
        return events.record(team, "channel.archived", actor, channel_data(channel))
    return events.record(team, "channel.unarchived", actor, channel_data(channel))


@transaction.atomic
def change_members(actor: User, team: Team, *, channel: Channel | int | str, add: Iterable[int] = (),
                   remove: Iterable[int] = ()) -> Event | None:
    """Add and remove members of a private channel (its creator and its leads); None when nothing changed.
    Nobody removes the last member: a channel nobody can read would be lost to everyone."""
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    channel = visible_channel(actor, team, channel)
    access.require_manage_members(actor, team, channel)
    current = set(ChannelMember.objects.filter(channel=channel).values_list("user_id", flat=True))
    added = sorted(set(team_members(team, set(add) - current)))
    removed = sorted(set(remove) & current - set(added))
    if not current - set(removed) and not added:
        raise ValidationError({"members": _("A private channel keeps at least one member.")})
    if not added and not removed:
        return None
    ChannelMember.objects.bulk_create([ChannelMember(channel=channel, user_id=user_id) for user_id in added])
    ChannelMember.objects.filter(channel=channel, user_id__in=removed).delete()
    members = sorted((current | set(added)) - set(removed))
    return events.record(team, "channel.members", actor, {"channel": channel.pk, "name": channel.name,
                                                           "added": added, "removed": removed, "members": members})
