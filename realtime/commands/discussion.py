"""Discussion commands: one frame → one service call (protocol: docs/realtime.md).

Each handler returns the Event the service recorded (or None when nothing changed), which
the consumer acknowledges with its seq. `typing` is not a command: it is ephemeral and
handled by the consumer (never stored, never replayed); `typing_frame` checks it.
"""
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from teams.discussion.channels import create_channel
from teams.discussion.forms import (
    ChannelFrame,
    EditFrame,
    FollowFrame,
    MessageRefFrame,
    PostFrame,
    ReactionFrame,
    ReadFrame,
    TypingFrame,
)
from teams.discussion.messages import delete_message, edit_message, get_channel
from teams.discussion.models import Message
from teams.discussion.posting import Post, post_messages
from teams.discussion.reactions import add_reaction, remove_reaction
from teams.discussion.reading import mark_read, set_thread_subscription
from teams.models import Event, Team
from teams.permissions import Action, can

from ..protocol import command, joined


@command("message.post", PostFrame, batched=True)
def post(team: Team, requests: list[tuple[User, dict]]) -> list[Event | Exception]:
    """The hottest command: posts from many sockets written together (realtime/group_commit.py)."""
    outcomes = post_messages(team, [Post(user, data["channel"], data["body"], data["thread"])
                                    for user, data in requests])
    return [outcome if isinstance(outcome, Exception) else outcome.event for outcome in outcomes]


@command("message.edit", EditFrame)
def edit(user: User, team: Team, data: dict) -> Event:
    return edit_message(user, team, message=data["message"], body=data["body"])


@command("message.delete", MessageRefFrame)
def delete(user: User, team: Team, data: dict) -> Event:
    return delete_message(user, team, message=data["message"])


@command("reaction.add", ReactionFrame)
def react(user: User, team: Team, data: dict) -> Event | None:
    return add_reaction(user, team, message=data["message"], emoji=data["emoji"])


@command("reaction.remove", ReactionFrame)
def unreact(user: User, team: Team, data: dict) -> Event | None:
    return remove_reaction(user, team, message=data["message"], emoji=data["emoji"])


@command("channel.read", ReadFrame)
def read(user: User, team: Team, data: dict) -> Event | None:
    return mark_read(user, team, channel=data["channel"], message=data["message"])


@command("thread.follow", FollowFrame)
def follow(user: User, team: Team, data: dict) -> Event:
    return set_thread_subscription(user, team, message=data["message"], state=data["state"])


@command("channel.create", ChannelFrame)
def channel_create(user: User, team: Team, data: dict) -> Event:
    return create_channel(user, team, name=data["name"], topic=data["topic"], card=data["card"],
                          private=data["private"], members=data["members"]).event


def typing_frame(user: User, team_id: int, data: dict) -> tuple[dict, int | None]:
    """Validate a typing frame: the person may write, the channel (and thread) are the team's and readable.
    Returns the frame and, for a private channel, its id (only its members' sockets get the frame)."""
    form = TypingFrame(data)
    if not form.is_valid():
        raise ValidationError(" ".join(joined(errors) for errors in form.errors.values()))
    team = Team.objects.get(pk=team_id)
    if not can(user, Action.CONTRIBUTE, team):
        raise PermissionDenied(_("You may not write in this team."))
    channel = get_channel(team, form.cleaned_data["channel"], user)
    thread = form.cleaned_data["thread"]
    if thread:
        Message.objects.only("pk").get(pk=thread, channel=channel)
    return {"type": "typing", "user": user.pk, "name": user.get_full_name() or user.username,
            "channel": channel.pk, "thread": thread}, channel.pk if channel.private else None
