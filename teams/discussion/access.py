"""Who may read a channel: the one question every read of a channel's content asks (its files too).

Today a channel is readable by whoever may view its team (teams.permissions.can_view); a channel with its
own members (private channels) answers here, and every caller follows.
"""
from django.contrib.auth.models import User
from django.http import Http404
from django.shortcuts import get_object_or_404

from teams.models import Team
from teams.permissions import can_view

from .models import Channel


def can_read_channel(user: User, channel: Channel) -> bool:
    return can_view(user, channel.team)


def readable_channel_or_404(user: User, team: Team, channel_id: int) -> Channel:
    """A channel of `team` the person may read; 404 otherwise (nobody learns that it exists)."""
    channel = get_object_or_404(Channel.objects.select_related("team"), pk=channel_id, team=team)
    if not can_read_channel(user, channel):
        raise Http404
    return channel
