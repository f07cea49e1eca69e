"""The realtime core: `/ws/teams/<slug>/` over the real ASGI stack (Origin check, session auth).

Channels' WebsocketCommunicator drives workspace.asgi.application in-process; the last
tests talk to a real daphne process over a real socket. Ephemeral frames (presence,
typing) are skipped where a test waits for durable ones; every wait is for a frame with
a deadline, never a sleep.
"""
import asyncio
import http.cookiejar
import json
import urllib.parse
import urllib.request

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from teams import events, services
from teams import membership as membership_services
from teams.events import team_group
from teams.models import Event, Membership
from tests.matrix import VISITORS, roles_that
from tests.ws_client import closed_with, open_socket, send, session_cookie, until

pytestmark = pytest.mark.django_db(transaction=True)  # keeps the master plan

EPHEMERAL = {"presence", "typing"}
WAIT = 10  # seconds: a deadline for a frame that must come, not a pause


async def next_frame(communicator):
    """The next durable frame (event, resumed, ack, error, pong), skipping presence and typing."""
    return await until(communicator, lambda f: f.get("type") not in EPHEMERAL, timeout=WAIT)


async def resume(communicator, after):
    """Resume after `after`; the replayed event frames (the `resumed` frame is checked)."""
    await send(communicator, {"type": "resume", "after": after})
    frames = []
    while True:
        frame = await next_frame(communicator)
        if frame["type"] == "resumed":
            return frames, frame
        assert frame["type"] == "event", frame
        frames.append(frame)


async def still_open(communicator, request_id="still-there"):
    """The socket answers a ping: it stays open and in order."""
    await send(communicator, {"type": "ping", "id": request_id})
    frame = await next_frame(communicator)
    assert frame == {"type": "pong", "id": request_id}


@database_sync_to_async
def edit_team(actor, team, name):
    """A real change through a service: appends "team.updated" to the log."""
    fresh = type(team).objects.get(pk=team.pk)
    services.update_team(actor, fresh, name=name, purpose=fresh.purpose, goals=list(fresh.goals.all()),
                         fields_of_action=list(fresh.fields_of_action.all()))
    return type(team).objects.get(pk=team.pk).last_seq


def ring_of(frames):
    """The layer message events.ring sends, made from client frames (as a second daphne would ring them)."""
    return {"type": "team.events", "events": [[f["seq"], f["event"], json.dumps(f)] for f in frames]}


@database_sync_to_async
def last_seq(team):
    return type(team).objects.get(pk=team.pk).last_seq


# Handshake ----------------------------------------------------------------------------

async def test_members_and_readers_connect_and_others_are_refused(people, team):
    for who in roles_that("view"):
        connected, communicator = await open_socket(people[who], team.slug)
        try:
            assert connected, who
            frames, resumed = await resume(communicator, 0)
            assert [f["seq"] for f in frames] == list(range(1, resumed["seq"] + 1))
        finally:
            await communicator.disconnect()
    for who in roles_that("view", allowed=False, among=VISITORS):  # anonymous, non-member, other field's manager
        connected, communicator = await open_socket(people.get(who), team.slug)
        await communicator.disconnect()
        assert not connected, who


async def test_unknown_team_is_refused(people):
    connected, communicator = await open_socket(people["manager"], "no-such-team")
    await communicator.disconnect()
    assert not connected


async def test_a_wrong_or_missing_origin_is_refused(people, team):
    for origin in ("http://evil.example", "http://127.0.0.1.evil.example", "null", None):
        connected, communicator = await open_socket(people["lead"], team.slug, origin=origin)
        await communicator.disconnect()
        assert not connected, origin


async def test_an_inactive_user_is_refused(people, team):
    expert = people["expert"]
    cookie_user = expert
    await database_sync_to_async(type(expert).objects.filter(pk=expert.pk).update)(is_active=False)
    connected, communicator = await open_socket(cookie_user, team.slug)
    await communicator.disconnect()
    assert not connected


# Live events and resume ---------------------------------------------------------------

async def test_member_receives_live_events_caused_by_services(people, team):
    connected, communicator = await open_socket(people["expert"], team.slug)
    try:
        assert connected
        _frames, resumed = await resume(communicator, await last_seq(team))
        assert _frames == []
        seq = await edit_team(people["lead"], team, "Data Spaces renamed")
        frame = await next_frame(communicator)
        assert frame["type"] == "event" and frame["event"] == "team.updated" and frame["seq"] == seq
        assert frame["seq"] == resumed["seq"] + 1
        assert frame["data"]["team"]["name"] == "Data Spaces renamed"
        assert frame["actor"] == people["lead"].pk
    finally:
        await communicator.disconnect()


async def test_resume_after_n_sends_exactly_the_later_events_in_order(people, team):
    for i in range(5):
        await edit_team(people["lead"], team, f"Name {i}")
    latest = await last_seq(team)
    stored = await database_sync_to_async(lambda: list(
        Event.objects.filter(team=team).order_by("seq").values_list("seq", "kind")))()
    for after in (0, latest - 3, latest):
        connected, communicator = await open_socket(people["observer"], team.slug)
        try:
            assert connected
            frames, resumed = await resume(communicator, after)
            assert [(f["seq"], f["event"]) for f in frames] == [row for row in stored if row[0] > after]
            assert resumed == {"type": "resumed", "seq": latest}
        finally:
            await communicator.disconnect()


@pytest.mark.parametrize("beyond", [1000, 10**30])
async def test_resume_beyond_the_log_is_clamped_to_its_end_and_live_events_follow(people, team, beyond):
    """A claim past the log's end (here by 1,000, or past any database integer) would drop every later event:
    the server answers with its real last seq and streams from there."""
    _connected, communicator = await open_socket(people["expert"], team.slug)
    try:
        latest = await last_seq(team)
        frames, resumed = await resume(communicator, latest + beyond)
        assert frames == [] and resumed == {"type": "resumed", "seq": latest}
        seq = await edit_team(people["lead"], team, "Heard after all")
        assert (await next_frame(communicator))["seq"] == seq == latest + 1
    finally:
        await communicator.disconnect()


async def test_events_before_resume_are_replayed_once_and_live_ones_follow(people, team):
    """An event rung before the client resumed comes once (from the log), never twice."""
    _connected, communicator = await open_socket(people["expert"], team.slug)
    try:
        start = await last_seq(team)
        await edit_team(people["lead"], team, "Rung before resume")  # the ring is ignored: not resumed yet
        frames, resumed = await resume(communicator, start)
        assert [f["event"] for f in frames] == ["team.updated"] and resumed["seq"] == start + 1
        seq = await edit_team(people["lead"], team, "Live after resume")
        frame = await next_frame(communicator)
        assert frame["seq"] == seq == start + 2
        await still_open(communicator)  # nothing else (no duplicate) was queued before the pong
    finally:
        await communicator.disconnect()


async def test_duplicate_rings_are_never_sent(people, team):
    _connected, communicator = await open_socket(people["expert"], team.slug)
    try:
        frames, resumed = await resume(communicator, 0)
        layer = get_channel_layer()
        for frame in frames[-3:]:  # the layer delivers old events again (a retry, a second daphne)
            await layer.group_send(team_group(team.pk), ring_of([frame]))
        seq = await edit_team(people["lead"], team, "After duplicates")
        frame = await next_frame(communicator)
        assert frame["type"] == "event" and frame["seq"] == seq == resumed["seq"] + 1
        await layer.group_send(team_group(team.pk), ring_of([frame]))  # and this one
        await still_open(communicator)
    finally:
        await communicator.disconnect()


async def test_lost_rings_are_filled_from_the_log_in_order(people, team, monkeypatch):
    _connected, communicator = await open_socket(people["expert"], team.slug)
    try:
        _frames, resumed = await resume(communicator, await last_seq(team))
        monkeypatch.setattr(events, "ring", lambda event: None)  # Redis restarted: two rings are lost
        await edit_team(people["lead"], team, "Lost one")
        await edit_team(people["lead"], team, "Lost two")
        monkeypatch.undo()
        seq = await edit_team(people["lead"], team, "Heard")
        got = [await next_frame(communicator) for _ in range(3)]
        assert [f["seq"] for f in got] == [resumed["seq"] + 1, resumed["seq"] + 2, seq]
        assert [f["data"]["team"]["name"] for f in got] == ["Lost one", "Lost two", "Heard"]
        await still_open(communicator)
    finally:
        await communicator.disconnect()


async def test_rings_that_overtake_each_other_are_reordered_without_reading_the_log(people, team, monkeypatch):
    """Two daphne processes ring one team: a later ring can arrive first. It waits for the earlier one
    (GAP_WAIT_SECONDS) instead of every socket reading the log."""
    from realtime import ordering

    _connected, communicator = await open_socket(people["expert"], team.slug)
    try:
        _frames, resumed = await resume(communicator, await last_seq(team))
        rings = []
        monkeypatch.setattr(events, "ring", rings.extend)  # hold the rings back, send them swapped
        await edit_team(people["lead"], team, "First")
        await edit_team(people["lead"], team, "Second")
        monkeypatch.undo()
        reads = []
        real_load = ordering.load_events
        monkeypatch.setattr(ordering, "load_events", lambda *args: reads.append(args) or real_load(*args))
        layer = get_channel_layer()
        for event in reversed(rings):
            await layer.group_send(team_group(team.pk), events.ring_message([event]))
        got = [await next_frame(communicator) for _ in range(2)]
        assert [f["seq"] for f in got] == [resumed["seq"] + 1, resumed["seq"] + 2]
        assert [f["data"]["team"]["name"] for f in got] == ["First", "Second"]
        assert reads == []
        await still_open(communicator)
    finally:
        await communicator.disconnect()


async def test_every_member_socket_gets_the_event(people, team):
    sockets = [await open_socket(people[who], team.slug) for who in ("expert", "observer", "lead")]
    try:
        for connected, communicator in sockets:
            assert connected
            await resume(communicator, await last_seq(team))
        seq = await edit_team(people["manager"], team, "For everyone")
        for _connected, communicator in sockets:
            frame = await next_frame(communicator)
            assert frame["seq"] == seq and frame["event"] == "team.updated"
    finally:
        for _connected, communicator in sockets:
            await communicator.disconnect()


# Losing access ------------------------------------------------------------------------

async def test_removing_a_member_closes_their_live_socket(people, team):
    _connected, removed = await open_socket(people["expert"], team.slug)
    _connected2, staying = await open_socket(people["observer"], team.slug)
    try:
        await resume(removed, await last_seq(team))
        await resume(staying, await last_seq(team))
        membership = await database_sync_to_async(Membership.objects.get)(team=team, user=people["expert"])
        await database_sync_to_async(membership_services.remove_member)(people["lead"], membership)
        frame = await next_frame(removed)
        assert frame["event"] == "member.removed" and frame["data"]["user"] == people["expert"].pk
        error = await next_frame(removed)
        assert error["type"] == "error" and error["code"] == "forbidden"
        assert await closed_with(removed) == 4403
        # The others stay connected and see the change.
        frame = await next_frame(staying)
        assert frame["event"] == "member.removed"
        await still_open(staying)
    finally:
        await removed.disconnect()
        await staying.disconnect()


async def test_a_removed_member_cannot_reconnect(people, team):
    membership = await database_sync_to_async(Membership.objects.get)(team=team, user=people["expert"])
    await database_sync_to_async(membership_services.remove_member)(people["lead"], membership)
    connected, communicator = await open_socket(people["expert"], team.slug)
    await communicator.disconnect()
    assert not connected


async def test_a_role_change_keeps_the_socket_open(people, team):
    _connected, communicator = await open_socket(people["expert"], team.slug)
    try:
        await resume(communicator, await last_seq(team))
        membership = await database_sync_to_async(Membership.objects.get)(team=team, user=people["expert"])
        await database_sync_to_async(membership_services.change_role)(people["lead"], membership, role="observer")
        frame = await next_frame(communicator)
        assert frame["event"] == "member.role_changed"
        await still_open(communicator)
    finally:
        await communicator.disconnect()


# Bad frames ---------------------------------------------------------------------------

BAD_FRAMES = [
    ("not json{", "bad_json"),
    ("[1, 2, 3]", "bad_frame"),
    ('"just a string"', "bad_frame"),
    ("{}", "bad_frame"),
    ('{"type": 5}', "bad_frame"),
    ('{"type": "no.such.command", "id": "r1"}', "unknown_type"),
    ('{"type": "resume", "after": -1}', "bad_frame"),
    ('{"type": "resume", "after": "7"}', "bad_frame"),
    ('{"type": "resume", "after": true}', "bad_frame"),
    ('{"type": "resume", "after": 1.5}', "bad_frame"),
    ('{"type": "ping", "id": {"nested": 1}}', "bad_frame"),
    ('{"type": "ping", "id": "' + "i" * 65 + '"}', "bad_frame"),
    ('{"type": "' + "t" * 5000 + '"}', "unknown_type"),
    ("x" * (1024 * 1024), "too_large"),  # 1 MB
    ('{"type": "ping", "pad": "' + "p" * (1024 * 1024) + '"}', "too_large"),
]


async def test_a_bad_frame_gets_an_error_to_that_client_only(people, team, settings):
    settings.WS_RATE_BURST = 1000  # many frames in a row: the rate limit is tested on its own
    _c1, sender = await open_socket(people["expert"], team.slug)
    _c2, other = await open_socket(people["observer"], team.slug)
    try:
        await resume(sender, await last_seq(team))
        await resume(other, await last_seq(team))
        events_before = await database_sync_to_async(Event.objects.count)()
        for raw, code in BAD_FRAMES:
            await sender.send_to(text_data=raw)
            error = await next_frame(sender)
            assert error["type"] == "error" and error["code"] == code, (raw[:60], error)
            assert isinstance(error["message"], str) and error["message"]
            if code == "unknown_type":
                assert error["id"] == json.loads(raw).get("id")
            await still_open(sender)  # the socket stays open
        # The other client got nothing from it: its next durable frame is its own pong.
        await still_open(other, "other")
        assert await database_sync_to_async(Event.objects.count)() == events_before
        # And both still receive live events.
        seq = await edit_team(people["lead"], team, "After bad frames")
        assert (await next_frame(sender))["seq"] == seq
        assert (await next_frame(other))["seq"] == seq
    finally:
        await sender.disconnect()
        await other.disconnect()


async def test_binary_frames_are_parsed_or_refused(people, team):
    _connected, communicator = await open_socket(people["expert"], team.slug)
    try:
        await communicator.send_to(bytes_data=b"\xff\xfe not utf-8")
        error = await next_frame(communicator)
        assert error["type"] == "error" and error["code"] == "bad_json"
        await communicator.send_to(bytes_data=b'{"type": "ping", "id": "bin"}')
        assert await next_frame(communicator) == {"type": "pong", "id": "bin"}
    finally:
        await communicator.disconnect()


async def test_rate_limit(people, team, settings):
    settings.WS_RATE_BURST = 4
    settings.WS_RATE_PER_SECOND = 0.001  # no refill within the test
    _c1, flooder = await open_socket(people["expert"], team.slug)
    _c2, calm = await open_socket(people["observer"], team.slug)
    try:
        await resume(flooder, await last_seq(team))  # 1 token
        for i in range(3):  # 3 more: the burst is used up
            await send(flooder, {"type": "ping", "id": f"p{i}"})
            assert await next_frame(flooder) == {"type": "pong", "id": f"p{i}"}
        await send(flooder, {"type": "ping", "id": "one-too-many"})
        error = await next_frame(flooder)
        assert error == {"type": "error", "id": "one-too-many", "code": "rate_limited", "message": error["message"]}
        # Still connected, still receiving events; the other client has its own allowance.
        seq = await edit_team(people["lead"], team, "While limited")
        assert (await next_frame(flooder))["seq"] == seq
        await resume(calm, seq)
        await still_open(calm)
    finally:
        await flooder.disconnect()
        await calm.disconnect()


# A real daphne over a real socket -------------------------------------------------------

def http_post_as(user, base_url, path, data):
    """Log in through the live server's login form (CSRF and all), then POST a form to it."""
    opener, post, _jar = live_login(user, base_url)
    opener.open(base_url + path, timeout=WAIT).read()
    return post(path, data)


def live_login(user, base_url):
    """Log in through the live server's login form; return (opener, post(path, fields) -> status, cookie jar)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None  # a 302 is the answer we check

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())

    def csrf():
        return next(cookie.value for cookie in jar if cookie.name == "csrftoken")

    def post(url, fields):
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf()}, doseq=True).encode()
        request = urllib.request.Request(base_url + url, data=body, headers={"Referer": base_url + url})
        try:
            return opener.open(request, timeout=WAIT).status
        except urllib.error.HTTPError as exc:
            return exc.code

    opener.open(base_url + "/login/", timeout=WAIT).read()
    assert post("/login/", {"username": user.username, "password": "pw"}) == 302
    return opener, post, jar


async def test_real_daphne_member_gets_live_event_and_non_member_gets_403(people, team, daphne_server):
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    url = f"{daphne_server.ws_url}/ws/teams/{team.slug}/"
    origin = daphne_server.url
    cookie = await database_sync_to_async(session_cookie)(people["outsider"])
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, origin=origin, additional_headers={"Cookie": cookie}, open_timeout=WAIT):
            pass
    assert refused.value.response.status_code == 403

    cookie = await database_sync_to_async(session_cookie)(people["expert"])
    async with connect(url, origin=origin, additional_headers={"Cookie": cookie}, open_timeout=WAIT) as socket:
        start = await last_seq(team)
        await socket.send(json.dumps({"type": "resume", "after": start}))

        async def durable():
            while True:
                frame = json.loads(await asyncio.wait_for(socket.recv(), WAIT))
                if frame["type"] not in EPHEMERAL:
                    return frame

        assert await durable() == {"type": "resumed", "seq": start}
        # The lead edits the team through the live server's own form: the event is rung in
        # daphne's process, as in production.
        goals = [g.pk for g in await database_sync_to_async(lambda: list(team.goals.all()))()]
        fields = [f.pk for f in await database_sync_to_async(lambda: list(team.fields_of_action.all()))()]
        status = await asyncio.to_thread(http_post_as, people["lead"], daphne_server.url,
                                         f"/teams/{team.slug}/edit/",
                                         {"name": "Renamed live", "purpose": "Over a real socket",
                                          "goals": goals, "fields_of_action": fields})
        assert status == 302
        frame = await durable()
        assert frame["type"] == "event" and frame["event"] == "team.updated" and frame["seq"] == start + 1
        assert frame["data"]["team"]["name"] == "Renamed live"
