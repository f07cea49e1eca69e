"""Hypothesis fuzz of the WebSocket protocol, through the real ASGI stack (channels' WebsocketCommunicator).

For every registered command type (realtime.protocol.COMMANDS: the board's and the discussion's), for the core
frames (resume, ping, typing), for the bell socket's frames (/ws/me/: resume, read, ping), for a conversation's
socket (/ws/dm/<id>/: its commands and resume, with a participant as the bystander) and for frames that are
not frames at all (strings, numbers, lists, broken JSON): arbitrary JSON values of any type in every field, real
ids of this team, ids of another team, numbers out of range (10**30, -1, 2**63, floats, booleans), lone
surrogates in values and keys, nesting up to 10,000 levels and sizes up to the frame limit. After every frame:

- the sender gets an ack or an error with a documented code (realtime.protocol.ERROR_CODES, the table in
  docs/realtime.md), never "server_error", and the socket stays open (it answers a ping);
- an error writes nothing: a fingerprint of every row of the board, discussion and notify tables and of the
  team, membership and event tables is unchanged;
- an ack wrote only what was sent: every schema field of the frame had its JSON type, and the stored text
  (a message's body, a card's title, a column's name, a channel's topic) is the string sent, stripped;
- a bystander on the same team sees an event only for an acknowledged seq (and a typing frame only for a
  typing frame that was not refused), nothing else from the fuzz.

Derandomized (the same examples every run), no deadline; runs on SQLite with the in-memory layer.
"""
import asyncio
import hashlib
import json
import os
import threading

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from realtime.direct import COMMANDS as DIRECT_COMMANDS
from realtime.protocol import COMMANDS, ERROR_CODES
from teams.board.cards import create_card
from teams.board.checklists import add_checklist_item
from teams.board.columns import set_up_board
from teams.board.models import Card, ChecklistItem, Column
from teams.direct import messages as direct_messages
from teams.direct.conversations import start_conversation
from teams.direct.models import DirectEvent, DirectMessage
from teams.discussion.posting import post_message
from teams.models import Event, Team
from tests.discussion_helpers import clear_cache, general
from tests.ws_client import connect, open_socket, session_cookie, until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.fuzz]

# per frame type (20 types). 20, not 40: the same 16 kinds reach an ack either way (40 took 1.5x the time)
EXAMPLES = int(os.environ.get("FUZZ_FRAME_EXAMPLES", 20))
GARBAGE_EXAMPLES = 3 * EXAMPLES
WATCHED_APPS = ("board", "discussion", "notify", "direct")
WATCHED_MODELS = ("teams.Team", "teams.Membership", "teams.Event")


def fingerprint():
    """A digest of every row the fuzz could touch (small data: one query per table)."""
    digest = hashlib.sha256()
    models = [m for label in WATCHED_APPS for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model(label) for label in WATCHED_MODELS]
    for model in models:
        digest.update(model._meta.label.encode())
        digest.update(repr(list(model.objects.order_by("pk").values_list())).encode())
    return digest.hexdigest()


def field_names():
    names = {"id", "type", "data", "after"}
    for command in COMMANDS.values():
        names.update(command.form.base_fields)
    return sorted(names)


def ids_of(team, other):
    """Real ids of this team (so that some frames are valid) and of another team (so they are not)."""
    found = set()
    for t in (team, other):
        found.update(Card.objects.filter(team=t).values_list("pk", flat=True))
        found.update(Column.objects.filter(team=t).values_list("pk", flat=True))
        found.update(ChecklistItem.objects.filter(card__team=t).values_list("pk", flat=True))
        found.update(apps.get_model("discussion.Message").objects.filter(channel__team=t)
                     .values_list("pk", flat=True))
        found.update(apps.get_model("discussion.Channel").objects.filter(team=t).values_list("pk", flat=True))
        found.update(Card.objects.filter(team=t).values_list("version", flat=True))
    return sorted(found)


def ids_by_field(team):
    """This team's ids by the frame field that names them, so that well-shaped frames are often valid."""
    Message, Channel = apps.get_model("discussion.Message"), apps.get_model("discussion.Channel")
    cards = list(Card.objects.filter(team=team).values_list("pk", flat=True))
    columns = list(Column.objects.filter(team=team).values_list("pk", flat=True))
    return {"card": cards, "column": columns, "after": cards + columns,
            "item": list(ChecklistItem.objects.filter(card__team=team).values_list("pk", flat=True)),
            "message": list(Message.objects.filter(channel__team=team).values_list("pk", flat=True)),
            # Mostly no thread: a new message is the common valid post (a fuzzed delete may remove roots).
            "thread": [None, None, None]
            + list(Message.objects.filter(channel__team=team).values_list("pk", flat=True)),
            "channel": list(Channel.objects.filter(team=team).values_list("pk", flat=True)),
            "version": [1, 2, 3]}


SURROGATES = ["\ud800", "\udfff", "probe \ud800", "a\udc00b", "\ud83d"]  # lone: valid JSON, no Unicode text


def mostly(likely, *others, odds=4):
    """`likely`, `odds` times as often as each of `others` (one_of weighs its strategies alike, repeats once)."""
    return st.integers(0, odds + len(others) - 1).flatmap(lambda i: likely if i < odds else others[i - odds])


def hostile_text(max_size=8, min_size=0):
    """Text, sometimes (one in five) with a lone surrogate somewhere in it."""
    return mostly(st.text(min_size=min_size, max_size=max_size), st.builds(
        lambda a, s, b: a + s + b, st.text(max_size=4), st.sampled_from(SURROGATES), st.text(max_size=4)))


def strategies(ids):
    special = st.sampled_from([0, -1, 1, 2, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30, -(10**30), 1.5, 1.0, 1e300,
                               -0.0, True, False, None, "", " ", "1", "01", "1e3", "0x10", "\x00", "true", "false",
                               "<script>alert(1)</script>", "top", "bottom", "follow", "mute", "👍", "🎉", "x" * 300,
                               "y" * 5000, "z" * 20_000, [], {}, [1], ["x"], {"a": 1}, *SURROGATES])
    real = st.sampled_from(ids) | st.sampled_from(ids).map(str) | st.sampled_from(ids).map(float)
    scalar = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
              | st.text(max_size=80) | hostile_text() | special | real)
    value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(hostile_text(), inner, max_size=3), max_leaves=6)
    fields = st.dictionaries(st.sampled_from(field_names()) | hostile_text(),
                             st.one_of(real, scalar, value), max_size=6)
    return fields, value, scalar, real


def nested(text, name, depth):
    """The frame's text with field `name` (the last of its key wins) set to `depth` nested lists: deeper than
    json.dumps can write (10,000 levels is a RecursionError in the decoder)."""
    return text[:-1] + f', {json.dumps(name)}: ' + "[" * depth + "]" * depth + "}"


def deeply(names):
    """Maybe nest one of `names` deeply (None: not)."""
    return mostly(st.none(), st.tuples(st.sampled_from(names), st.sampled_from([3, 9, 100, 10_000])))


STORED_TEXT = {  # command -> (the event's key of the row, the row's field = the frame's field)
    "message.post": ("message", "body"), "message.edit": ("message", "body"), "card.create": ("card", "title"),
    "card.rename": ("card", "title"), "column.create": ("column", "name"), "column.update": ("column", "name"),
    "channel.create": ("channel", "topic")}


def written_as_sent(team, kind, data, seq):
    """An acknowledged command wrote what was sent: typed fields, and its text stored as the string sent."""
    for name, field in COMMANDS[kind].form.base_fields.items():
        value = data.get(name)
        assert value is None or type(value) is field.json_type, (kind, name, value)
    if kind in STORED_TEXT and seq is not None:
        key, name = STORED_TEXT[kind]
        event = Event.objects.get(team=team, seq=seq)
        model = {"message": "discussion.Message", "card": "board.Card", "column": "board.Column",
                 "channel": "discussion.Channel"}[key]
        stored = apps.get_model(model).objects.values_list(name, flat=True).get(pk=event.data[key])
        assert type(stored) is str and stored == (data.get(name) or "").strip(), (kind, data, stored)


def shaped(command, ids, own, by_field):
    """Frames with the command's own fields, each drawn mostly from plausible values (so some are valid)."""
    from django import forms

    _fields, value, scalar, real = strategies(ids)
    parts = {}
    for name, field in command.form.base_fields.items():
        if isinstance(field, forms.BooleanField):
            plausible = st.booleans()
        elif isinstance(field, forms.IntegerField):
            plausible = st.sampled_from(by_field.get(name) or own) | st.sampled_from(own) | st.sampled_from(ids)
        elif isinstance(field, forms.ChoiceField):
            plausible = st.sampled_from([choice for choice, _label in field.choices])
        else:
            plausible = hostile_text(min_size=1, max_size=40)  # a surrogate in an otherwise valid frame
        # Mostly plausible: a frame is valid only if every field is (ids as text or floats are refused now).
        parts[name] = mostly(plausible, scalar, value, odds=6)
    return st.fixed_dictionaries(parts) | st.fixed_dictionaries({}, optional=parts)


class Fuzz:
    """A fuzzing client and a bystander on one team, driven from a synchronous test on its own event loop."""

    def __init__(self, loop, sender, bystander):
        self.loop, self.sender, self.bystander = loop, sender, bystander
        self.probes = 0
        self.replies = {}  # reply type/code -> count
        self.kinds_acked = set()
        self.state = None  # the last fingerprint taken

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    async def exchange(self, text):
        """Send one raw frame; return every frame the sender got for it (until the pong of a ping probe)."""
        self.probes += 1
        probe = f"probe-{self.probes}"
        # straight into the app's queue: send_to() refuses an empty text frame, which a real client can send
        await self.sender.input_queue.put({"type": "websocket.receive", "text": text})
        await self.sender.send_json_to({"type": "ping", "id": probe})
        frames = []
        await until(self.sender, lambda f: f["type"] == "pong" and f.get("id") == probe, skipped=frames)
        return [f for f in frames if f["type"] != "presence"]

    async def bystander_frames(self):
        self.probes += 1
        probe = f"probe-{self.probes}"
        await self.bystander.send_json_to({"type": "ping", "id": probe})
        frames = []
        await until(self.bystander, lambda f: f["type"] == "pong" and f.get("id") == probe, skipped=frames)
        return [f for f in frames if f["type"] != "presence"]

    async def wait_for(self, communicator, frames, done):
        """Over Redis the layer delivers after the direct pong: receive more until `done(frames)` (or time out)."""
        while not done(frames):
            frame = await communicator.receive_json_from(timeout=5)
            if frame["type"] != "presence":
                frames.append(frame)
        return frames

    def check(self, text, kind=None):
        """Send one frame (`kind`: its type when it is a well-formed frame) and check what everyone got."""
        before = self.state if self.state is not None else fingerprint()
        frames = self.run(self.exchange(text))
        replies = [f for f in frames if f["type"] in ("ack", "error")]
        assert len(replies) <= 1, (text, frames)
        for reply in replies:
            assert reply.get("code") != "server_error", (text, reply)
            assert reply["type"] == "ack" or reply["code"] in ERROR_CODES, (text, reply)
            key = reply["type"] if reply["type"] == "ack" else f"error:{reply['code']}"
            self.replies[key] = self.replies.get(key, 0) + 1
        refused = any(f["type"] == "error" for f in replies)
        acked = [f["seq"] for f in replies if f["type"] == "ack" and f.get("seq") is not None]  # /ws/me/: no seq
        typed = 1 if kind == "typing" and not replies else 0

        def has(seqs, typing=0):
            return lambda got: (sorted(f["seq"] for f in got if f["type"] == "event") == seqs
                                and len([f for f in got if f["type"] == "typing"]) >= typing)

        self.frames = frames
        self.state = fingerprint()
        if refused:
            assert self.state == before, ("an error wrote something", text, replies)
        if kind != "resume":  # a resume replays the log to the sender; otherwise it sees its own event once
            events = self.run(self.wait_for(self.sender, [f for f in frames if f["type"] == "event"], has(acked)))
            assert [f["seq"] for f in events if f["type"] == "event"] == acked, (text, frames)
        seen = self.run(self.wait_for(self.bystander, self.run(self.bystander_frames()), has(acked, typed)))
        assert [f["seq"] for f in seen if f["type"] == "event"] == acked, (text, replies, seen)
        typing_seen = [f for f in seen if f["type"] == "typing"]
        assert len(typing_seen) == typed, (text, seen)
        assert not [f for f in seen if f["type"] not in ("event", "typing")], (text, seen)
        if acked:
            self.kinds_acked.add(kind)
        return replies


@pytest.fixture
def fuzz_world(people, team, make_team, settings):
    # The fuzz is one fast client: lift the per-connection and the posting rate limits (tested elsewhere).
    settings.WS_RATE_PER_SECOND = 100_000
    settings.WS_RATE_BURST = 100_000
    settings.DISCUSSION_POST_RATE = (100_000, 30)
    clear_cache()
    other = make_team(name="Other team")
    for t in (team, other):
        if not Column.objects.filter(team=t).exists():
            set_up_board(t, people["lead"])
        column = Column.objects.filter(team=t, archived=False).order_by("rank").first()
        for title in ("Alpha", "Beta"):
            event = create_card(people["lead"], t, column=column, title=title)
            card = Card.objects.get(pk=event.data["card"])
            add_checklist_item(people["lead"], card, text="Step")
        post_message(people["lead"], t, channel=general(t).pk, body="hello", thread=None)
    # The loop runs all the time in its own thread (channels_redis' blocking reads time out in a paused loop);
    # the test thread submits to it and keeps the ORM calls (fingerprints) outside any event loop.
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fuzz = Fuzz(loop, None, None)
    try:
        fuzz.sender = fuzz.run(connect(people["lead"], team))
        fuzz.bystander = fuzz.run(connect(people["observer"], team))
        yield fuzz, team, other
    finally:
        for communicator in (fuzz.sender, fuzz.bystander):
            if communicator is not None:
                fuzz.run(communicator.disconnect())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


HYPOTHESIS = dict(deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.data_too_large, HealthCheck.filter_too_much])


def test_every_command_type_survives_arbitrary_fields(fuzz_world):
    fuzz, team, other = fuzz_world
    ids, own, by_field = ids_of(team, other), ids_of(team, team), ids_by_field(team)
    fields, _value, _scalar, _real = strategies(ids)
    # channel.archive after the other commands (an archived channel takes no posts); resume last: it replays.
    kinds = sorted(COMMANDS, key=lambda kind: (kind == "channel.archive", kind)) + ["typing", "resume"]
    assert {"card.move", "card.create", "column.create", "message.post"} <= set(kinds)
    for kind in kinds:
        frames = st.builds(lambda extra, nested, request_id, kind=kind: (
            {**extra, "type": kind, "id": request_id} if not nested else
            {"type": kind, "id": request_id, "data": extra}),
            shaped(COMMANDS[kind], ids, own, by_field) | fields if kind in COMMANDS else fields,
            st.booleans(), st.text(max_size=10) | st.integers(-5, 5) | st.none())
        names = sorted(COMMANDS[kind].form.base_fields) if kind in COMMANDS else ["after", "channel", "thread"]

        @hsettings(max_examples=EXAMPLES, **HYPOTHESIS)
        @given(frame=frames, deep=deeply(names))
        def run(frame, deep):
            text = json.dumps(frame)
            if deep is not None and "data" not in frame:
                text = nested(text, *deep)
            replies = fuzz.check(text, kind)
            if kind != "typing" and kind != "resume":
                assert replies, (text, "a command always gets an ack or an error")
            if kind in COMMANDS and replies and replies[0]["type"] == "ack":
                written_as_sent(team, kind, frame.get("data", frame), replies[0]["seq"])
            if kind == "resume":  # back to the present, whatever the fuzz claimed to hold
                latest = Team.objects.get(pk=team.pk).last_seq
                # never past the log's end: the socket would drop every later event
                assert all(f["seq"] <= latest for f in fuzz.frames if f["type"] == "resumed"), (text, fuzz.frames)
                fuzz.run(fuzz.exchange(json.dumps({"type": "resume", "after": latest})))

        run()
    # The fuzz reached the services, not only the forms: some frames were valid and applied.
    assert {"card.create", "column.create", "message.post"} <= fuzz.kinds_acked, fuzz.kinds_acked
    assert fuzz.replies.get("error:invalid") and fuzz.replies.get("error:not_found"), fuzz.replies
    assert "error:server_error" not in fuzz.replies, fuzz.replies
    # The event log is whole: every seq of the team once, and the team's counter at the last one.
    seqs = list(Event.objects.filter(team=team).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and Team.objects.get(pk=team.pk).last_seq == seqs[-1]
    print(f"replies over {fuzz.probes} probes: {dict(sorted(fuzz.replies.items()))}; acked kinds: "
          f"{sorted(fuzz.kinds_acked)}")


def test_frames_that_are_not_frames_are_refused_and_write_nothing(fuzz_world):
    fuzz, team, other = fuzz_world
    _fields, value, _scalar, _real = strategies(ids_of(team, other))
    raw = st.one_of(
        value.map(json.dumps),  # any JSON value: numbers, strings, lists, objects without a string type
        st.text(max_size=200),  # mostly not JSON at all
        st.dictionaries(st.text(max_size=8), value, max_size=4).map(
            lambda d: json.dumps({**d, "type": d.get("type", 7)})),
        st.builds(lambda kind, rid: json.dumps({"type": kind, "id": rid}),
                  st.text(max_size=20).filter(lambda k: k not in COMMANDS and k not in ("resume", "ping", "typing")),
                  st.text(max_size=10)),
        st.builds(lambda kind, rid: json.dumps({"type": kind, "id": rid}),
                  st.sampled_from(sorted(COMMANDS)), st.text(min_size=65, max_size=100) | st.lists(st.integers())),
        st.sampled_from(["{", "[", '{"type":', '{"type": "card.move"', "\ud800", "null", "NaN", "{}" * 100]),
    )

    @hsettings(max_examples=GARBAGE_EXAMPLES, **HYPOTHESIS)
    @given(text=raw)
    def run(text):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and parsed.get("type") in ("ping", "resume", "typing"):
            return  # core frames: the other test
        replies = fuzz.check(text)
        assert [r["type"] for r in replies] == ["error"], (text, replies)

    run()
    assert fuzz.replies.get("error:bad_json") and fuzz.replies.get("error:bad_frame") and \
        fuzz.replies.get("error:unknown_type"), fuzz.replies


def test_out_of_range_ids_in_every_id_field_are_refused(fuzz_world):
    """Numbers beyond the database's integer range, in every id field of every command (explicitly, not by luck)."""
    from django import forms

    fuzz, team, other = fuzz_world
    own = ids_of(team, team)
    for kind, command in sorted(COMMANDS.items()):
        base = {}
        for name, field in command.form.base_fields.items():
            if isinstance(field, forms.BooleanField):
                base[name] = True
            elif isinstance(field, forms.IntegerField):
                base[name] = own[0]
            elif isinstance(field, forms.ChoiceField):
                base[name] = field.choices[-1][0]
            else:
                base[name] = "text"
        for name, field in command.form.base_fields.items():
            if not isinstance(field, forms.IntegerField):
                continue
            for huge in (2**31, 2**63 - 1, 2**63, 10**30, -(2**63) - 1):
                frame = {**base, name: huge, "type": kind, "id": f"{kind}:{name}:{huge}"}
                replies = fuzz.check(json.dumps(frame), kind)
                assert replies and replies[0]["type"] == "error", (frame, replies)


@pytest.fixture
def bell(fuzz_world, people):
    """The lead's /ws/me/ socket, with notifications to resume and read, fuzzed like the team socket."""
    from teams.review import meetings as review_meetings

    fuzz, team, _other = fuzz_world
    for n in range(3):
        review_meetings.add_review_note(people["advisor"], team, body=f"Note {n}")
    # their events
    fuzz.run(fuzz.wait_for(fuzz.bystander, fuzz.run(fuzz.bystander_frames()), lambda got: len(got) >= 3))
    connected, communicator = fuzz.run(open_socket(None, path="/ws/me/", cookie=session_cookie(people["lead"])))
    assert connected
    team_socket, fuzz.sender = fuzz.sender, communicator
    try:
        yield fuzz, people["lead"]
    finally:
        fuzz.sender = team_socket
        fuzz.run(communicator.disconnect())


def test_the_bell_socket_survives_arbitrary_frames(bell):
    """/ws/me/: resume, read and ping with arbitrary values (the same checks as the team socket's)."""
    from teams.notify.models import Notification

    fuzz, lead = bell
    own = list(Notification.objects.filter(recipient=lead).values_list("pk", flat=True))
    _fields, value, scalar, _real = strategies(own)
    ids = st.lists(mostly(st.sampled_from(own), scalar), max_size=4) | st.lists(st.integers(), min_size=499,
                                                                                 max_size=502)
    parts = {"after": mostly(st.sampled_from([0, *own]), scalar, value), "ids": mostly(ids, scalar, value),
             "all": mostly(st.booleans(), scalar), "id": st.text(max_size=10) | st.integers(-5, 5) | st.none()}
    frames = st.builds(lambda kind, fields: {"type": kind, **fields}, st.sampled_from(["resume", "read", "ping"]),
                       st.fixed_dictionaries({}, optional={**parts, "data": value}))

    @hsettings(max_examples=2 * EXAMPLES, **HYPOTHESIS)
    @given(frame=frames, deep=deeply(["after", "ids", "all"]))
    def run(frame, deep):
        text = json.dumps(frame)
        if deep is not None:
            text = nested(text, *deep)
        replies = fuzz.check(text)
        if frame["type"] == "read":
            assert replies, (text, "a read always gets an ack or an error")
        newest = max(own)
        assert all(f["last"] == newest for f in fuzz.frames if f["type"] == "resumed"), (text, fuzz.frames)

    run()
    assert fuzz.replies.get("ack") and fuzz.replies.get("error:bad_frame") and fuzz.replies.get("error:invalid"), \
        fuzz.replies


def test_the_error_codes_and_field_types_are_those_documented():
    """docs/realtime.md lists exactly the codes an error carries; every command field takes only its JSON type."""
    import re
    from pathlib import Path

    from teams.frame_fields import JsonTypeMixin

    text = (Path(__file__).resolve().parent.parent / "docs" / "realtime.md").read_text()
    table = text.split("Error codes", 1)[1].split("\n\n", 2)[1]
    assert set(re.findall(r"^\| `(\w+)` \|", table, re.M)) == ERROR_CODES
    loose = [(kind, name) for kind, command in COMMANDS.items() for name, field in command.form.base_fields.items()
             if not isinstance(field, JsonTypeMixin)]
    assert not loose, loose


async def resumed_dm(cookie, conversation):
    connected, communicator = await open_socket(None, path=f"/ws/dm/{conversation.pk}/", cookie=cookie)
    assert connected
    await communicator.send_json_to({"type": "resume", "after": conversation.last_seq})
    await until(communicator, lambda f: f["type"] == "resumed")
    return communicator


@pytest.fixture
def direct_fuzz(fuzz_world, people):
    """The lead's socket of a conversation with the observer (the bystander), and another conversation's ids."""
    fuzz, _team, _other = fuzz_world
    conversation = start_conversation(people["lead"], [people["observer"]])
    elsewhere = start_conversation(people["expert"], [people["supporter"]])
    for n in range(2):
        direct_messages.post_message(people["lead"], conversation.pk, body=f"mine {n}")
        direct_messages.post_message(people["observer"], conversation.pk, body=f"theirs {n}")
        direct_messages.post_message(people["expert"], elsewhere.pk, body=f"elsewhere {n}")
    conversation.refresh_from_db()
    team_sockets = fuzz.sender, fuzz.bystander
    fuzz.sender = fuzz.run(resumed_dm(session_cookie(people["lead"]), conversation))
    fuzz.bystander = fuzz.run(resumed_dm(session_cookie(people["observer"]), conversation))
    try:
        yield fuzz, conversation, elsewhere
    finally:
        for communicator in (fuzz.sender, fuzz.bystander):
            fuzz.run(communicator.disconnect())
        fuzz.sender, fuzz.bystander = team_sockets


def test_the_direct_message_socket_survives_arbitrary_frames(direct_fuzz):
    """/ws/dm/<id>/: every command with arbitrary fields (own ids, another conversation's, anything), then resume."""
    fuzz, conversation, elsewhere = direct_fuzz
    own = list(DirectMessage.objects.filter(conversation=conversation).values_list("pk", flat=True))
    ids = own + list(DirectMessage.objects.filter(conversation=elsewhere).values_list("pk", flat=True))
    for kind, command in sorted(DIRECT_COMMANDS.items()):
        frames = shaped(command, ids, own, {"message": own}).map(lambda data, kind=kind: {"type": kind, **data})

        @hsettings(max_examples=EXAMPLES // 2, **HYPOTHESIS)
        @given(frame=frames, deep=deeply(list(command.form.base_fields)))
        def run(frame, deep):
            text = json.dumps({**frame, "id": "f"})
            if deep is not None:
                text = nested(text, *deep)
            replies = fuzz.check(text, kind)
            assert replies, (text, "a command always gets an ack or an error")
            seq = replies[0].get("seq") if replies[0]["type"] == "ack" else None
            if kind in ("dm.post", "dm.edit") and seq is not None:  # stored as sent, stripped
                event = DirectEvent.objects.get(conversation=conversation, seq=seq)
                stored = DirectMessage.objects.values_list("body", flat=True).get(pk=event.data["message"])
                assert stored == frame["body"].strip(), (text, stored)

        run()
    _fields, value, scalar, _real = strategies(own)

    @hsettings(max_examples=EXAMPLES // 2, **HYPOTHESIS)
    @given(after=mostly(st.integers(0, 60), scalar, value))
    def resume(after):
        fuzz.check(json.dumps({"type": "resume", "id": "r", "after": after}), "resume")

    resume()
    # (dm.read rarely moves a marker here: the sender's own posts already moved it past everything)
    assert {"dm.post", "dm.react", "dm.delete"} <= fuzz.kinds_acked, fuzz.kinds_acked
