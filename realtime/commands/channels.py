"""Channel management and pins: one frame → one service call (protocol: docs/realtime.md).

Each handler returns the Event the service recorded, or None when nothing changed (acknowledged
with `"seq": null`). Who may: teams/discussion/access.py.
"""
from django.contrib.auth.models import User

from teams.discussion.channel_admin import change_members, set_archived, update_channel
from teams.discussion.forms import ChannelArchiveFrame, ChannelMembersFrame, ChannelUpdateFrame, MessageRefFrame
from teams.discussion.pins import pin_message, unpin_message
from teams.models import Event, Team

from ..protocol import command


@command("channel.update", ChannelUpdateFrame)
def update(user: User, team: Team, data: dict) -> Event | None:
    return update_channel(user, team, channel=data["channel"], name=data["name"], topic=data["topic"])


@command("channel.archive", ChannelArchiveFrame)
def archive(user: User, team: Team, data: dict) -> Event | None:
    return set_archived(user, team, channel=data["channel"], archived=data["archived"])


@command("channel.members", ChannelMembersFrame)
def members(user: User, team: Team, data: dict) -> Event | None:
    return change_members(user, team, channel=data["channel"], add=data["add"], remove=data["remove"])


@command("message.pin", MessageRefFrame)
def pin(user: User, team: Team, data: dict) -> Event | None:
    return pin_message(user, team, message=data["message"])


@command("message.unpin", MessageRefFrame)
def unpin(user: User, team: Team, data: dict) -> Event | None:
    return unpin_message(user, team, message=data["message"])
