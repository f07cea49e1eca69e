"""Every role × every direct-message action (tests/matrix.py: DIRECT_ALLOWED), over HTTP and on the socket: allowed
and done, or refused (404 / a refused handshake / an error frame) with nothing written and the conversation's
private text (SECRET) absent from every refused answer."""
import json

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from teams.direct.models import DirectEvent, DirectMessage, DirectReaction, Participant
from tests.conftest import make_user
from tests.direct_helpers import SECRET, pair
from tests.matrix import DIRECT_ACTIONS, DIRECT_ROLES, direct_rule
from tests.ws_client import open_socket, request, until


def setting(people):
    """(the conversation of "participant" (expert) and "other_participant" (lead), the people by role, the message
    acted on (the participant's, holding SECRET), the one marked read (the other's))."""
    conversation = pair(people)
    Participant.objects.update(last_read_id=0)  # both have something to mark read
    by_role = {"participant": people["expert"], "other_participant": people["lead"],
               "non_participant": people["outsider"], "manager": people["manager"],
               "admin": make_user("admin", is_staff=True, is_superuser=True), "anonymous": None}
    secret, other = DirectMessage.objects.filter(conversation=conversation).order_by("id")
    return conversation, by_role, secret, other


def done(action, user, secret, other):
    """Whether `action` by `user` was written."""
    secret.refresh_from_db()
    return {
        "post": lambda: DirectMessage.objects.filter(body="matrix post").exists(),
        "edit": lambda: secret.body == "matrix edit",
        "delete": lambda: secret.is_deleted,
        "react": lambda: DirectReaction.objects.filter(message=secret, user=user).exists(),
        "mark_read": lambda: DirectEvent.objects.filter(kind="message.read", actor=user).exists(),
    }[action]()


@pytest.mark.django_db
@pytest.mark.parametrize("action", DIRECT_ACTIONS)
@pytest.mark.parametrize("role", DIRECT_ROLES)
def test_direct_messages_over_http(people, role, action):
    conversation, by_role, secret, other = setting(people)
    user, allowed = by_role[role], direct_rule(role, action)
    client = Client()
    if user is not None:
        client.force_login(user)
    base = f"/messages/{conversation.pk}/"
    events = DirectEvent.objects.count()
    if action == "socket":
        return  # the socket's cell: test_direct_messages_on_the_socket
    if action == "list":
        response = client.get("/messages/")
        shown = response.status_code == 200 and f'data-conversation="{conversation.pk}"' in response.content.decode()
        assert shown == allowed
    elif action in ("read", "history"):
        response = client.get(base if action == "read" else f"{base}history/?before={other.pk + 1}")
        assert (response.status_code == 200 and SECRET in response.content.decode()) == allowed
    else:
        url, data = {"post": (f"{base}post/", {"body": "matrix post"}),
                     "edit": (f"{base}{secret.pk}/edit/", {"body": "matrix edit"}),
                     "delete": (f"{base}{secret.pk}/delete/", {}),
                     "react": (f"{base}{secret.pk}/react/", {"emoji": "👍"}),
                     "mark_read": (f"{base}{other.pk}/read/", {})}[action]
        response = client.post(url, data)
        assert done(action, user, secret, other) == allowed
        if allowed:
            assert response.status_code == 302 and response["Location"] == base
    if not allowed:
        assert SECRET not in response.content.decode()
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
        elif action != "list":
            assert response.status_code == (403 if role == "other_participant" else 404)
        if action != "list":
            assert DirectEvent.objects.count() == events


FRAMES = {"post": lambda secret, other: {"type": "dm.post", "id": "x", "body": "matrix post"},
          "edit": lambda secret, other: {"type": "dm.edit", "id": "x", "message": secret.pk, "body": "matrix edit"},
          "delete": lambda secret, other: {"type": "dm.delete", "id": "x", "message": secret.pk},
          "react": lambda secret, other: {"type": "dm.react", "id": "x", "message": secret.pk, "emoji": "👍"},
          "mark_read": lambda secret, other: {"type": "dm.read", "id": "x", "message": other.pk}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", DIRECT_ACTIONS)
@pytest.mark.parametrize("role", DIRECT_ROLES)
async def test_direct_messages_on_the_socket(people, role, action):
    conversation, by_role, secret, other = await sync_to_async(setting)(people)
    user = by_role[role]
    connected, socket = await open_socket(user, path=f"/ws/dm/{conversation.pk}/")
    try:
        # Who may connect reads everything after resuming (list, read, history: the same on the socket).
        assert connected == direct_rule(role, "socket")
        if not connected:
            assert not direct_rule(role, action)  # every action on the socket needs the socket
            return
        await socket.send_json_to({"type": "resume", "after": 0})
        replayed = []
        await until(socket, lambda f: f["type"] == "resumed", skipped=replayed)
        assert any(SECRET in json.dumps(f) for f in replayed) and direct_rule(role, "read")
        if action not in FRAMES:
            return
        events = await sync_to_async(DirectEvent.objects.count)()
        answer = await request(socket, FRAMES[action](secret, other))
        written = await sync_to_async(done)(action, user, secret, other)
        allowed = direct_rule(role, action)
        assert (answer["type"] == "ack", written) == (allowed, allowed), answer
        if not allowed:
            assert answer["code"] == "forbidden" and SECRET not in json.dumps(answer)
            assert await sync_to_async(DirectEvent.objects.count)() == events
    finally:
        await socket.disconnect()


@pytest.mark.django_db
def test_the_admin_shows_no_direct_messages(people):
    pair(people)
    client = Client()
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    index = client.get("/admin/").content.decode()
    assert "Direct messages" not in index and SECRET not in index
    assert client.get("/admin/direct/directmessage/").status_code == 404
