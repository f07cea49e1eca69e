"""Discussion commands: one frame → one service call (protocol: docs/realtime.md).

Each handler returns the Event the service recorded (or None when nothing changed), which
the consumer acknowledges with its seq. `typing` is not a command: it is ephemeral and
handled by the consumer (never stored, never replayed).
"""
from teams.discussion import services
from teams.discussion.forms import (
    ChannelFrame,
    EditFrame,
    FollowFrame,
    MessageRefFrame,
    PostFrame,
    ReactionFrame,
    ReadFrame,
)

from ..protocol import command


@command("message.post", PostFrame, batched=True)
def post(team, requests):
    """The hottest command: posts from many sockets written together (realtime/group_commit.py)."""
    outcomes = services.post_messages(team, [services.Post(user, data["channel"], data["body"], data["thread"])
                                             for user, data in requests])
    return [outcome if isinstance(outcome, Exception) else outcome.event for outcome in outcomes]


@command("message.edit", EditFrame)
def edit(user, team, data):
    return services.edit_message(user, team, message=data["message"], body=data["body"]).event


@command("message.delete", MessageRefFrame)
def delete(user, team, data):
    return services.delete_message(user, team, message=data["message"]).event


@command("reaction.add", ReactionFrame)
def react(user, team, data):
    return services.add_reaction(user, team, message=data["message"], emoji=data["emoji"])


@command("reaction.remove", ReactionFrame)
def unreact(user, team, data):
    return services.remove_reaction(user, team, message=data["message"], emoji=data["emoji"])


@command("channel.read", ReadFrame)
def read(user, team, data):
    return services.mark_read(user, team, channel=data["channel"], message=data["message"])


@command("thread.follow", FollowFrame)
def follow(user, team, data):
    return services.set_thread_subscription(user, team, message=data["message"], state=data["state"])


@command("channel.create", ChannelFrame)
def create_channel(user, team, data):
    return services.create_channel(user, team, name=data["name"], topic=data["topic"], card=data["card"]).event
