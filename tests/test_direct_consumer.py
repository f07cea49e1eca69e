"""/ws/dm/<id>/: resume from the conversation's log, live events to every participant's socket, the header's
unread count over /ws/me/, a resume past the end, and bad frames (an error each, nothing written)."""
import pytest
from asgiref.sync import sync_to_async

from teams.direct.conversations import start_conversation
from teams.direct.messages import post_message
from teams.direct.models import Conversation, DirectEvent, DirectMessage
from tests.direct_helpers import pair
from tests.ws_client import next_event, open_socket, request, until

pytestmark = pytest.mark.django_db(transaction=True)


async def resumed(user, conversation, after=0):
    connected, socket = await open_socket(user, path=f"/ws/dm/{conversation.pk}/")
    assert connected
    await socket.send_json_to({"type": "resume", "after": after})
    socket.replayed = []
    socket.seq = (await until(socket, lambda f: f["type"] == "resumed", skipped=socket.replayed))["seq"]
    return socket


async def test_live_to_every_participant_in_order_and_replayed_on_resume(people):
    conversation = await sync_to_async(pair)(people)
    expert = await resumed(people["expert"], conversation)
    lead = await resumed(people["lead"], conversation)
    me_connected, me = await open_socket(people["lead"], path="/ws/me/")
    try:
        assert [f["seq"] for f in expert.replayed] == [1, 2, 3] and expert.seq == 3
        assert [f["event"] for f in expert.replayed] == ["conversation.started", "message.posted", "message.posted"]
        await me.send_json_to({"type": "resume", "after": 0})
        assert (await until(me, lambda f: f["type"] == "resumed"))["messages"] == 0
        ack = await request(expert, {"type": "dm.post", "id": "p1", "body": "Live *now*"})
        assert ack == {"type": "ack", "id": "p1", "seq": 4}
        event = await next_event(lead, "message.posted")
        assert event["seq"] == 4 and event["data"]["html"] == "<p>Live <em>now</em></p>"
        assert (await until(me, lambda f: f["type"] == "messages")) == {"type": "messages", "unread": 1}
        read = await request(lead, {"type": "dm.read", "id": "r1", "message": event["data"]["message"]})
        assert read["seq"] == 5
        seen = await next_event(expert, "message.read")
        assert seen["data"] == {"conversation": conversation.pk, "user": people["lead"].pk,
                                "message": event["data"]["message"]}
        assert (await until(me, lambda f: f["type"] == "messages")) == {"type": "messages", "unread": 0}
        react = await request(lead, {"type": "dm.react", "id": "e1", "message": event["data"]["message"],
                                     "emoji": "🎉"})
        assert react["seq"] == 6 and (await next_event(expert, "reaction.added"))["data"]["count"] == 1
    finally:
        for socket in (expert, lead, me):
            await socket.disconnect()
    # A socket coming back resumes after what it had: the rest, in order, once.
    again = await resumed(people["expert"], conversation, after=3)
    try:
        assert [f["seq"] for f in again.replayed] == [4, 5, 6] and again.seq == 6
    finally:
        await again.disconnect()


async def test_a_resume_past_the_end_is_told_and_still_live(people):
    conversation = await sync_to_async(pair)(people)
    connected, socket = await open_socket(people["expert"], path=f"/ws/dm/{conversation.pk}/")
    try:
        await socket.send_json_to({"type": "resume", "id": "r", "after": 99})
        error = await until(socket, lambda f: f["type"] == "error")
        assert (error["code"], error["seq"], error["id"]) == ("stale", 3, "r")
        assert (await until(socket, lambda f: f["type"] == "resumed"))["seq"] == 3
        await sync_to_async(post_message)(people["lead"], conversation.pk, body="after the stale resume")
        assert (await next_event(socket, "message.posted"))["seq"] == 4
    finally:
        await socket.disconnect()


@pytest.mark.parametrize("frame,code", [
    ({"type": "dm.post", "body": ""}, "invalid"),
    ({"type": "dm.post", "body": ["a list"]}, "invalid"),
    ({"type": "dm.post", "body": "x" * 10_001}, "invalid"),
    ({"type": "dm.post", "body": "lone \ud800"}, "invalid"),
    ({"type": "dm.post", "data": "text"}, "bad_frame"),
    ({"type": "dm.react", "message": 1, "emoji": "💩"}, "invalid"),
    ({"type": "dm.react", "message": "1", "emoji": "👍"}, "invalid"),
    ({"type": "dm.edit", "message": 2**70, "body": "x"}, "invalid"),
    ({"type": "dm.delete", "message": 10**12}, "not_found"),
    ({"type": "dm.unknown"}, "unknown_type"),
    ({"type": "resume", "after": -1}, "bad_frame"),
    ({"type": "dm.post", "body": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": 1}}}}}}}}}, "bad_frame"),
])
async def test_bad_frames_get_an_error_and_write_nothing(people, frame, code):
    conversation = await sync_to_async(pair)(people)
    socket = await resumed(people["expert"], conversation)
    try:
        before = await sync_to_async(DirectEvent.objects.count)()
        answer = await request(socket, {**frame, "id": "bad"})
        assert (answer["type"], answer["code"]) == ("error", code), answer
        assert await sync_to_async(DirectEvent.objects.count)() == before
        assert (await request(socket, {"type": "ping", "id": "still"}))["type"] == "pong"  # the socket goes on
    finally:
        await socket.disconnect()


async def test_another_conversations_message_is_not_found(people):
    mine = await sync_to_async(pair)(people)
    theirs = await sync_to_async(pair)(people, "observer", "lead")
    foreign = await sync_to_async(lambda: DirectMessage.objects.filter(conversation=theirs).first().pk)()
    socket = await resumed(people["expert"], mine)
    try:
        for frame in ({"type": "dm.react", "message": foreign, "emoji": "👍"}, {"type": "dm.read", "message": foreign},
                      {"type": "dm.edit", "message": foreign, "body": "x"}):
            answer = await request(socket, {**frame, "id": "f"})
            assert (answer["type"], answer["code"]) == ("error", "not_found")
        assert await sync_to_async(lambda: Conversation.objects.get(pk=theirs.pk).last_seq)() == 3
    finally:
        await socket.disconnect()


async def test_a_group_hears_every_member_and_a_stranger_nothing(people):
    conversation = await sync_to_async(start_conversation)(
        people["expert"], [people["lead"], people["observer"]], name="Trio")
    sockets = [await resumed(people[role], conversation) for role in ("expert", "lead", "observer")]
    stranger_connected, stranger = await open_socket(people["manager"], path=f"/ws/dm/{conversation.pk}/")
    try:
        assert not stranger_connected
        assert sockets[0].replayed[0]["data"]["name"] == "Trio"
        await request(sockets[2], {"type": "dm.post", "id": "g", "body": "hi @lead and @expert"})
        for socket in sockets:
            event = await next_event(socket, "message.posted")
            assert event["data"]["mentions"] == sorted([people["lead"].pk, people["expert"].pk])
    finally:
        for socket in (*sockets, stranger):
            await socket.disconnect()
