"""Who sees and manages which channel: the one place for the channel rules (teams.permissions holds the
team-wide ones these build on).

- A public channel is read by whoever views the team. A private channel only by its members
  (ChannelMember), chosen by its creator: not the leads, not cluster management, not the reviewing
  bodies. Nobody else learns of it: not its name, not its messages, not its events (socket, replay,
  polling endpoint, API, webhooks, search, notifications, activity).
- Rename, describe, archive and unarchive: leads and supporters (and cluster management), Action.EDIT,
  of a channel they can see.
- A private channel's members are added and removed by its creator and by its members who lead the
  team (Action.CHANGE_ROLES); only the team's active members can be added.
- Pins: whoever may post in the channel (Action.CONTRIBUTE, channel not archived).

Every event recorded with a `channel` in its data is marked with that channel's id in
`Event.private_channel` when the channel is private (`scope_events`, registered with
teams.events.on_scoping); the log's readers keep only the events `readable_events` lets through.
"""
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from teams.models import Event, Team
from teams.permissions import Action, can, can_view

from .models import Channel, ChannelMember, Message


def my_private_channels(user: User) -> QuerySet:
    """The ids of the private channels `user` is a member of, as a subquery."""
    return ChannelMember.objects.filter(user_id=user.pk).values("channel_id")


def visible_channels(user: User, team: Team | int) -> QuerySet[Channel]:
    """The team's channels `user` may read (the caller has checked the team itself is viewable)."""
    team_id = team.pk if isinstance(team, Team) else team
    return Channel.objects.filter(Q(private=False) | Q(pk__in=my_private_channels(user)), team_id=team_id)


def visible_messages(user: User, queryset: QuerySet[Message] | None = None) -> QuerySet[Message]:
    queryset = Message.objects.all() if queryset is None else queryset
    return queryset.filter(Q(channel__private=False) | Q(channel_id__in=my_private_channels(user)))


def readable_events(user: User, queryset: QuerySet[Event]) -> QuerySet[Event]:
    """The events of the log `user` may read: all but those of private channels they are not in."""
    return queryset.filter(Q(private_channel=None) | Q(private_channel__in=my_private_channels(user)))


def public_events(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """The events every viewer of the team may read (the team page's activity, a card's history, webhooks)."""
    return queryset.filter(private_channel=None)


def private_ids(user: User, team_id: int) -> set[int]:
    """The ids of the team's private channels `user` is in (a socket keeps them: rings are filtered on them)."""
    return set(ChannelMember.objects.filter(user_id=user.pk, channel__team_id=team_id)
               .values_list("channel_id", flat=True))


def may_read(user: User, channel: Channel) -> bool:
    return not channel.private or ChannelMember.objects.filter(channel=channel, user_id=user.pk).exists()


def can_read_channel(user: User, channel: Channel) -> bool:
    """The one question every read of a channel's content asks (its files too)."""
    return can_view(user, channel.team) and may_read(user, channel)


def readable_channel_or_404(user: User, team: Team, channel_id: int) -> Channel:
    """A channel of `team` the person may read; 404 otherwise (nobody learns that it exists)."""
    channel = get_object_or_404(Channel.objects.select_related("team"), pk=channel_id, team=team)
    if not can_read_channel(user, channel):
        raise Http404
    return channel


def require_readable(user: User, channel: Channel) -> Channel:
    """A private channel the person is not in does not exist for them (the same not-found as an unknown id)."""
    if not may_read(user, channel):
        raise Channel.DoesNotExist(_("No such channel."))
    return channel


def require_open(channel: Channel) -> None:
    """Archived channels are read-only: nothing is posted, edited, reacted to or pinned there."""
    if channel.archived_at is not None:
        raise ValidationError(_("#%(name)s is archived: it is read-only. Unarchive it to write again.")
                              % {"name": channel.name}, code="archived")


def may_manage(user: User, team: Team) -> bool:
    """Rename, describe, archive, unarchive (of a channel the person can see)."""
    return can(user, Action.EDIT, team)


def may_manage_members(user: User, team: Team, channel: Channel) -> bool:
    """A private channel's members: its creator, or a member who leads the team."""
    if not channel.private or not can(user, Action.CONTRIBUTE, team):
        return False
    return channel.created_by_id == user.pk or (can(user, Action.CHANGE_ROLES, team) and may_read(user, channel))


def require_manage_members(user: User, team: Team, channel: Channel) -> None:
    if not may_manage_members(user, team, channel):
        raise PermissionDenied(_("Only the channel's creator and the leads among its members choose its members."))


# Channels a service has read already (`channels_known`): whether private is not asked again. A channel
# never changes between public and private, so what was read in this service holds.
_known: ContextVar[dict[int, bool] | None] = ContextVar("known_channels", default=None)


@contextmanager
def channels_known(channels: Iterable[Channel]) -> Iterator[None]:
    """Within this block, `scope_events` takes these channels' privacy as read (the hot path: posting)."""
    token = _known.set({channel.pk: channel.private for channel in channels})
    try:
        yield
    finally:
        _known.reset(token)


def scope_events(recorded: list[Event]) -> None:
    """teams.events.on_scoping: mark the events of private channels (at most one query for a batch, none
    without channel or for channels the service read: `channels_known`)."""
    named = (event.data.get("channel") for event in recorded if isinstance(event.data, dict))
    ids: set[int] = {i for i in named if type(i) is int}
    if not ids:
        return
    known = _known.get() or {}
    private = {i for i in ids if known.get(i)}
    if ids - known.keys():
        private |= set(Channel.objects.filter(pk__in=ids - known.keys(), private=True).values_list("pk", flat=True))
    for event in recorded:
        channel = event.data.get("channel") if isinstance(event.data, dict) else None
        if channel in private:
            event.private_channel = channel
