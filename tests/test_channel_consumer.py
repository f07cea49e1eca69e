"""The channel management and pin frames through the real ASGI stack: live for every open socket, and bad
frames answered with an error to their sender only, writing nothing (docs/realtime.md)."""
import json

import pytest
from asgiref.sync import sync_to_async

from teams.discussion.channels import create_channel
from teams.discussion.models import Channel, ChannelMember, Message, Pin
from teams.discussion.posting import post_message
from teams.models import Event
from tests.discussion_helpers import general
from tests.ws_client import connected, next_event, request, until

pytestmark = pytest.mark.django_db(transaction=True)


def counts():
    return Event.objects.count(), Pin.objects.count(), ChannelMember.objects.count(), Message.objects.count()


BAD_FRAMES = [
    ("name a list", {"type": "channel.update", "channel": "GENERAL", "name": ["x"]}, "invalid"),
    ("name with html", {"type": "channel.update", "channel": "GENERAL", "name": "<b>x</b>"}, "invalid"),
    ("name too long", {"type": "channel.update", "channel": "GENERAL", "name": "x" * 61}, "invalid"),
    ("empty name", {"type": "channel.update", "channel": "GENERAL", "name": ""}, "invalid"),
    ("name taken", {"type": "channel.update", "channel": "GENERAL", "name": "Taken"}, "invalid"),
    ("channel as text", {"type": "channel.update", "channel": "7", "name": "x"}, "invalid"),
    ("unknown channel", {"type": "channel.archive", "channel": 987654, "archived": True}, "not_found"),
    ("other team's channel", {"type": "channel.archive", "channel": "OTHER", "archived": True}, "not_found"),
    ("id beyond the column", {"type": "channel.archive", "channel": 2**64, "archived": True}, "invalid"),
    ("archived as text", {"type": "channel.archive", "channel": "GENERAL", "archived": "yes"}, "invalid"),
    ("archived as 1", {"type": "channel.archive", "channel": "GENERAL", "archived": 1}, "invalid"),
    ("members of a public channel", {"type": "channel.members", "channel": "GENERAL", "add": ["EXPERT"]},
     "forbidden"),
    ("members not a list", {"type": "channel.members", "channel": "PRIVATE", "add": "EXPERT"}, "invalid"),
    ("member ids as text", {"type": "channel.members", "channel": "PRIVATE", "add": ["1"]}, "invalid"),
    ("member ids nested", {"type": "channel.members", "channel": "PRIVATE", "add": [[1]]}, "invalid"),
    ("too many members", {"type": "channel.members", "channel": "PRIVATE", "add": list(range(1, 300))}, "invalid"),
    ("an outsider as member", {"type": "channel.members", "channel": "PRIVATE", "add": ["OUTSIDER"]}, "invalid"),
    ("pin another team's message", {"type": "message.pin", "message": "OTHER_MESSAGE"}, "not_found"),
    ("pin an unknown message", {"type": "message.pin", "message": 987654}, "not_found"),
    ("pin a bool", {"type": "message.pin", "message": True}, "invalid"),
    ("private with members as text", {"type": "channel.create", "name": "p", "private": True, "members": "all"},
     "invalid"),
    ("private as text", {"type": "channel.create", "name": "p", "private": "true"}, "invalid"),
    ("surrogate in a topic", '{"type": "channel.update", "id": "x", "channel": GENERAL, "topic": "\\udc00"}',
     "invalid"),
]


@pytest.mark.parametrize("label,frame,code", BAD_FRAMES, ids=[b[0] for b in BAD_FRAMES])
async def test_bad_frames_get_an_error_and_write_nothing(people, team, make_team, label, frame, code):
    other = await sync_to_async(make_team)(name="Other team")

    def setup():
        create_channel(people["lead"], team, name="Taken")
        private = create_channel(people["expert"], team, name="mine", private=True)
        theirs = post_message(people["lead"], other, channel=general(other), body="theirs")
        return {"GENERAL": general(team).pk, "OTHER": general(other).pk, "OTHER_MESSAGE": theirs.pk,
                "PRIVATE": private.pk, "EXPERT": people["expert"].pk, "OUTSIDER": people["outsider"].pk}

    ids = await sync_to_async(setup)()
    # The lead may do everything here but read the expert's private channel: what fails is the frame, not a role.
    sender = people["expert"] if isinstance(frame, dict) and frame.get("channel") == "PRIVATE" else people["lead"]
    if isinstance(frame, dict):
        frame = json.dumps({"id": "x", **{key: ids.get(value, value) if isinstance(value, str) else
                                          [ids.get(v, v) if isinstance(v, str) else v for v in value]
                                          if isinstance(value, list) else value for key, value in frame.items()}})
    else:
        frame = frame.replace(": GENERAL,", f": {ids['GENERAL']},")
    async with connected(sender, team) as socket:
        before = await sync_to_async(counts)()
        await socket.send_to(text_data=frame)
        error = await until(socket, lambda f: f["type"] == "error")
        assert error["code"] == code, error
        assert error["message"] and "Traceback" not in error["message"]
        assert await sync_to_async(counts)() == before, "nothing written"


async def test_rename_archive_and_pins_are_live_for_every_socket(people, team):
    channel = await sync_to_async(general)(team)
    message = await sync_to_async(post_message)(people["expert"], team, channel=channel, body="pin me")
    async with connected(people["lead"], team) as lead, connected(people["observer"], team) as reader:
        ack = await request(lead, {"type": "channel.update", "id": "1", "channel": channel.pk, "name": "all hands",
                                   "topic": "News"})
        event = await next_event(reader, "channel.updated")
        assert event["seq"] == ack["seq"] and event["data"]["name"] == "all hands" and event["data"]["topic"] == "News"
        ack = await request(lead, {"type": "channel.update", "id": "2", "channel": channel.pk, "topic": "News"})
        assert ack == {"type": "ack", "id": "2", "seq": None}  # nothing changed, nothing recorded
        ack = await request(lead, {"type": "message.pin", "id": "3", "message": message.pk})
        assert (await next_event(reader, "message.pinned"))["data"]["message"] == message.pk
        ack = await request(lead, {"type": "channel.archive", "id": "4", "channel": channel.pk, "archived": True})
        assert (await next_event(reader, "channel.archived"))["data"]["archived"] is True
        error = await request(lead, {"type": "message.post", "id": "5", "channel": channel.pk, "body": "late"})
        assert error["code"] == "invalid" and "archived" in error["message"]
        error = await request(lead, {"type": "message.unpin", "id": "6", "message": message.pk})
        assert error["code"] == "invalid"
        await request(lead, {"type": "channel.archive", "id": "7", "channel": channel.pk, "archived": False})
        assert (await next_event(reader, "channel.unarchived"))["data"]["archived"] is False


async def test_a_private_channel_made_over_the_socket_reaches_its_members_only(people, team):
    async with connected(people["expert"], team) as expert, connected(people["observer"], team) as observer, \
            connected(people["supporter"], team) as supporter:
        ack = await request(expert, {"type": "channel.create", "id": "1", "name": "two of us", "private": True,
                                     "members": [people["observer"].pk]})
        created = await next_event(observer, "channel.created")
        assert created["seq"] == ack["seq"] and created["data"]["private"] is True
        assert created["data"]["members"] == sorted([people["expert"].pk, people["observer"].pk])
        channel = await sync_to_async(Channel.objects.get)(name="two of us")
        ack = await request(expert, {"type": "channel.members", "id": "2", "channel": channel.pk,
                                     "add": [people["supporter"].pk]})
        added = await next_event(supporter, "channel.members")  # told, now that they are in it
        assert added["seq"] == ack["seq"] and people["supporter"].pk in added["data"]["members"]
        ack = await request(expert, {"type": "message.post", "id": "3", "channel": channel.pk, "body": "welcome"})
        assert (await next_event(supporter, "message.posted"))["seq"] == ack["seq"]
