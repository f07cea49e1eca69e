"""Every role × every channel action (tests/matrix.py CHANNEL_ALLOWED), over HTTP and over the team socket:
allowed (the change made) or refused (403/404 or an error frame, and nothing written). The private channel is
the lead's, for the expert and the observer (tests/channel_helpers.py)."""
import pytest
from asgiref.sync import sync_to_async

from teams.discussion.models import Channel, ChannelMember, Message, Pin
from teams.discussion.posting import post_message
from teams.models import Event
from tests.channel_helpers import private_channel
from tests.discussion_helpers import general
from tests.matrix import CHANNEL_ACTIONS, VISITORS, channel_rule, may
from tests.ws_client import connect, open_socket, request


def setting_up(people, team):
    """The public channel with a message to pin, the private channel with an unpinned reply to pin."""
    public = general(team)
    message = post_message(people["lead"], team, channel=public, body="pin me")
    channel, root = private_channel(people, team)
    reply = Message.objects.get(channel=channel, thread=root)
    return {"public": public, "message": message, "private": channel, "reply": reply}


def done(action, things, people):
    """Whether the action's change is in the database."""
    public, private = (Channel.objects.get(pk=things[key].pk) for key in ("public", "private"))
    return {
        "rename": public.name == "renamed",
        "describe": public.topic == "described",
        "archive": public.archived_at is not None,
        "pin": Pin.objects.filter(message=things["message"]).exists(),
        "post_private": Message.objects.filter(channel=private, body="posted").exists(),
        "rename_private": private.name == "renamed privately",
        "pin_private": Pin.objects.filter(message=things["reply"]).exists(),
        "members_private": ChannelMember.objects.filter(channel=private, user=people["supporter"]).exists(),
    }[action]


def over_http(client, action, things, slug):
    """The action through its page's form (a POST), or the read (a GET); the response."""
    public, private = things["public"].pk, things["private"].pk
    base = f"/teams/{slug}/channels/"
    posts = {
        "rename": (f"{base}{public}/edit/", {"name": "renamed", "topic": ""}),
        "describe": (f"{base}{public}/edit/", {"name": "general", "topic": "described"}),
        "archive": (f"{base}{public}/archive/", {"archived": "1"}),
        "pin": (f"{base}{public}/pins/", {"message": things["message"].pk, "pinned": "1"}),
        "post_private": (f"{base}{private}/post/", {"body": "posted"}),
        "rename_private": (f"{base}{private}/edit/", {"name": "renamed privately", "topic": ""}),
        "pin_private": (f"{base}{private}/pins/", {"message": things["reply"].pk, "pinned": "1"}),
        "members_private": (f"{base}{private}/members/", {"add": [str(things["supporter"])]}),
    }
    if action == "read_private":
        return client.get(f"{base}{private}/")
    path, data = posts[action]
    return client.post(path, data)


@pytest.mark.django_db
@pytest.mark.parametrize("role", VISITORS)
def test_channel_matrix_over_http(client, people, team, role):
    if role != "anonymous":
        client.force_login(people[role])
    things = setting_up(people, team)
    things["supporter"] = people["supporter"].pk
    for action in CHANNEL_ACTIONS:
        before = Event.objects.count()
        response = over_http(client, action, things, team.slug)
        allowed = channel_rule(role, action)
        if action == "read_private":
            assert (response.status_code == 200) == allowed, (role, action, response.status_code)
            continue
        assert done(action, things, people) == allowed, (role, action, response.status_code)
        if allowed:
            assert response.status_code == 302 and Event.objects.count() == before + 1, (role, action)
            undo(action, things, people)
        else:
            assert response.status_code in (302, 403, 404), (role, action, response.status_code)
            assert Event.objects.count() == before, (role, action)


def undo(action, things, people):
    """Put the data back, so that the next action starts from the same state (no event: a test's own write)."""
    public, private = things["public"], things["private"]
    if action in ("rename", "describe", "archive"):
        Channel.objects.filter(pk=public.pk).update(name="general", topic="", archived_at=None)
    elif action in ("pin", "pin_private"):
        Pin.objects.filter(message__in=[things["message"], things["reply"]]).delete()
    elif action == "post_private":
        Message.objects.filter(channel=private, body="posted").delete()
    elif action == "rename_private":
        Channel.objects.filter(pk=private.pk).update(name=things["private"].name)
    elif action == "members_private":
        ChannelMember.objects.filter(channel=private, user=people["supporter"]).delete()


FRAMES = {
    "rename": lambda t: {"type": "channel.update", "channel": t["public"].pk, "name": "renamed"},
    "describe": lambda t: {"type": "channel.update", "channel": t["public"].pk, "topic": "described"},
    "archive": lambda t: {"type": "channel.archive", "channel": t["public"].pk, "archived": True},
    "pin": lambda t: {"type": "message.pin", "message": t["message"].pk},
    "post_private": lambda t: {"type": "message.post", "channel": t["private"].pk, "body": "posted"},
    "rename_private": lambda t: {"type": "channel.update", "channel": t["private"].pk, "name": "renamed privately"},
    "pin_private": lambda t: {"type": "message.pin", "message": t["reply"].pk},
    "members_private": lambda t: {"type": "channel.members", "channel": t["private"].pk, "add": [t["supporter"]]},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", VISITORS)
async def test_channel_matrix_over_the_socket(people, team, role):
    things = await sync_to_async(setting_up)(people, team)
    things["supporter"] = people["supporter"].pk
    user = people.get(role)  # None: anonymous
    if not may(role, "view"):  # no socket at all: the handshake is refused
        connected, communicator = await open_socket(user, team)
        await communicator.disconnect()
        assert not connected and not any(channel_rule(role, action) for action in CHANNEL_ACTIONS)
        return
    socket = await connect(user, team, after=0)
    try:
        private_frames = [frame for frame in socket.replayed if frame["data"].get("channel") == things["private"].pk]
        assert bool(private_frames) == channel_rule(role, "read_private"), role
        for number, action in enumerate(a for a in CHANNEL_ACTIONS if a != "read_private"):
            before = await sync_to_async(Event.objects.count)()
            answer = await request(socket, {"id": f"r{number}", **FRAMES[action](things)})
            allowed = channel_rule(role, action)
            assert (answer["type"] == "ack") == allowed, (role, action, answer)
            assert await sync_to_async(done)(action, things, people) == allowed, (role, action)
            if allowed:
                await sync_to_async(undo)(action, things, people)
            else:
                assert answer["code"] in ("forbidden", "not_found"), (role, action, answer)
                assert await sync_to_async(Event.objects.count)() == before, (role, action)
    finally:
        await socket.disconnect()
