"""Helpers for the channel management tests: a private channel with a marker in everything it holds."""
from teams.discussion.channels import create_channel
from teams.discussion.pins import pin_message
from teams.discussion.posting import post_message
from teams.discussion.reactions import add_reaction

# In the private channel's name, topic, messages and reply: a non-member finds it nowhere (0 leaks).
MARKER = "zqxprivmark"


def private_channel(people, team):
    """The lead's private channel for the expert and the observer, with a message, a reply (mentioning the
    supporter, who is no member), a reaction and a pin: every kind of event a channel has."""
    channel = create_channel(people["lead"], team, name=f"{MARKER}-board", topic=f"{MARKER} topic", private=True,
                             members=[people["expert"].pk, people["observer"].pk])
    root = post_message(people["lead"], team, channel=channel, body=f"{MARKER} root @expert @supporter")
    post_message(people["expert"], team, channel=channel, body=f"{MARKER} reply", thread=root)
    add_reaction(people["expert"], team, message=root, emoji="👍")
    pin_message(people["expert"], team, message=root)
    return channel, root
