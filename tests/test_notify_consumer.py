"""/ws/me/: the bell's socket — session auth, Origin, resume from the database, live rings."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from teams.notify import services as notify_services
from teams.notify.models import Notification
from teams.review import meetings as review_meetings
from tests.ws_client import open_socket, pinging_outlives_quiet, until


def open_me(user, **options):
    return open_socket(user, path="/ws/me/", **options)


def frame_of(communicator, kind, timeout=5):
    return until(communicator, lambda f: f["type"] == kind, timeout=timeout)


@pytest.mark.django_db(transaction=True)
async def test_anonymous_and_foreign_origins_are_refused(people):
    connected, communicator = await open_me(None)
    assert not connected
    await communicator.disconnect()
    connected, communicator = await open_me(people["lead"], origin="http://evil.example")
    assert not connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_bell_resumes_rings_live_and_marks_read(people, team):
    await sync_to_async(review_meetings.add_review_note)(people["advisor"], team, body="Before connecting")
    connected, lead = await open_me(people["lead"])
    assert connected
    try:
        await lead.send_json_to({"type": "resume", "after": 0})
        backlog = await lead.receive_json_from(timeout=5)
        assert backlog["type"] == "notification" and "review note on Data Spaces" in backlog["text"]
        resumed = await frame_of(lead, "resumed")
        assert resumed == {"type": "resumed", "last": backlog["id"], "unread": 1, "messages": 0}
        # Live: a note written now rings the lead's bell after commit.
        await sync_to_async(review_meetings.add_review_note)(people["advisor"], team, body="Live one")
        live = await frame_of(lead, "notification")
        assert live["id"] > backlog["id"] and live["unread"] == 2 and live["url"].endswith("#notes")
        # A ring naming someone else's notification shows nothing.
        other = await sync_to_async(
            lambda: Notification.objects.filter(recipient=people["expert"]).values_list("pk", flat=True).first())()
        await get_channel_layer().group_send(f"user.{people['lead'].pk}", {"type": "notify.ring", "ids": [other]})
        await lead.send_json_to({"type": "ping", "id": "after-ring"})  # handled after the ring, in order
        assert await lead.receive_json_from(timeout=5) == {"type": "pong", "id": "after-ring"}
        await lead.send_json_to({"type": "read", "id": "r1", "ids": [backlog["id"]]})
        assert await frame_of(lead, "ack") == {"type": "ack", "id": "r1", "unread": 1}
        # A read rings the person's pages too (the bell of another tab follows): the read one, with the count.
        ring = await frame_of(lead, "notification")
        assert ring["id"] == backlog["id"] and ring["read"] and ring["unread"] == 1
        await lead.send_json_to({"type": "read", "id": "r2", "all": True})
        assert (await frame_of(lead, "ack"))["unread"] == 0
    finally:
        await lead.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("beyond", [1000, 10**30])
async def test_resume_beyond_the_newest_is_clamped_and_the_bell_keeps_ringing(people, team, beyond):
    await sync_to_async(review_meetings.add_review_note)(people["advisor"], team, body="Before connecting")
    connected, lead = await open_me(people["lead"])
    try:
        newest = await sync_to_async(
            lambda: Notification.objects.filter(recipient=people["lead"]).latest("pk").pk)()
        await lead.send_json_to({"type": "resume", "after": newest + beyond})
        assert await lead.receive_json_from(timeout=5) == {"type": "resumed", "last": newest, "unread": 1,
                                                           "messages": 0}
        await sync_to_async(review_meetings.add_review_note)(people["advisor"], team, body="Live one")
        live = await frame_of(lead, "notification")
        assert live["id"] > newest and live["unread"] == 2
    finally:
        await lead.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_bad_frames_get_clear_errors(people):
    connected, me = await open_me(people["expert"])
    assert connected
    try:
        await me.send_to(text_data="{not json")
        assert (await me.receive_json_from())["code"] == "bad_json"
        await me.send_json_to({"type": "card.move", "id": "x"})
        assert (await me.receive_json_from())["code"] == "unknown_type"
        await me.send_json_to({"type": "read", "id": "y", "ids": "all"})
        assert (await me.receive_json_from())["code"] == "bad_frame"
        await me.send_json_to({"type": "read", "id": "z", "ids": ["1"]})
        assert (await me.receive_json_from())["code"] == "invalid"
        await me.send_json_to({"type": "read", "id": "m", "ids": list(range(1, 502))})
        too_many = await me.receive_json_from()
        assert (too_many["code"], too_many["message"]) == ("invalid", "read takes at most 500 ids."), too_many
        await me.send_json_to({"type": "resume", "after": -1})
        assert (await me.receive_json_from())["code"] == "bad_frame"
        for neither in ({}, {"all": False}, {"ids": None}):  # not "read everything" by omission
            await me.send_json_to({"type": "read", "id": "n", **neither})
            assert (await me.receive_json_from())["code"] == "bad_frame", neither
        await me.send_to(text_data='{"type": "read", "id": "s", "ids": [1], "note": "\\udc00"}')
        assert (await me.receive_json_from())["code"] == "invalid"
        await me.send_to(text_data='{"type": "read", "id": "d", "ids": ' + "[" * 10_000 + "]" * 10_000 + "}")
        assert (await me.receive_json_from())["code"] == "bad_frame"
        await me.send_json_to({"type": "ping", "id": "p"})
        assert await me.receive_json_from() == {"type": "pong", "id": "p"}
    finally:
        await me.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_silent_bell_socket_is_closed_after_the_idle_timeout(people, settings):
    settings.WS_IDLE_SECONDS = 1
    connected, quiet = await open_me(people["lead"])
    assert connected
    connected, pinging = await open_me(people["expert"])
    assert connected
    await pinging_outlives_quiet(quiet, pinging, idle_seconds=settings.WS_IDLE_SECONDS)


@pytest.mark.django_db(transaction=True)
async def test_reading_many_rings_the_persons_other_pages_once(people, team, monkeypatch):
    """Read 12 at once: the other open bell hears of all 12 from one ring (it was one ring, and two queries
    per socket, per notification: up to 500 for one read frame)."""
    for n in range(12):
        await sync_to_async(review_meetings.add_review_note)(people["advisor"], team, body=f"Note {n}")
    ids = await sync_to_async(lambda: list(Notification.objects.filter(recipient=people["lead"])
                                           .order_by("pk").values_list("pk", flat=True)))()
    assert len(ids) == 12
    rings = []
    real_send = notify_services.group_send
    monkeypatch.setattr(notify_services, "group_send", lambda group, message: (rings.append(message),
                                                                               real_send(group, message)))
    connected, reader = await open_me(people["lead"])
    assert connected
    connected, other_tab = await open_me(people["lead"])
    assert connected
    try:
        await reader.send_json_to({"type": "read", "id": "r", "ids": ids})
        assert (await frame_of(reader, "ack"))["unread"] == 0
        heard = [await frame_of(other_tab, "notification") for _ in ids]
        assert [frame["id"] for frame in heard] == ids and all(frame["read"] for frame in heard)
        assert heard[-1]["unread"] == 0
        assert rings == [{"type": "notify.ring", "ids": ids}]
    finally:
        await reader.disconnect()
        await other_tab.disconnect()
