"""Hypothesis fuzz of the WebSocket protocol, through the real ASGI stack (channels' WebsocketCommunicator).

For every registered command type (realtime.protocol.COMMANDS: the board's and the discussion's), for the core
frames (resume, ping, typing) and for frames that are not frames at all (strings, numbers, lists, broken JSON):
arbitrary JSON values, real ids of this team, ids of another team and out-of-range numbers. After every frame:

- the sender gets an ack or an error, never "server_error", and the socket stays open (it answers a ping);
- an error writes nothing: a fingerprint of every row of the board, discussion and notify tables and of the
  team, membership and event tables is unchanged;
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

from realtime.protocol import COMMANDS
from teams.board import services as board_services
from teams.board.models import Card, ChecklistItem, Column
from teams.discussion import services as discussion_services
from teams.models import Event, Team
from tests.board_helpers import connect, until
from tests.discussion_helpers import clear_cache, general

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("FUZZ_FRAME_EXAMPLES", 40))  # per frame type (20 types)
GARBAGE_EXAMPLES = 3 * EXAMPLES
WATCHED_APPS = ("board", "discussion", "notify")
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
            "thread": [None, None, None] + list(Message.objects.filter(channel__team=team).values_list("pk", flat=True)),
            "channel": list(Channel.objects.filter(team=team).values_list("pk", flat=True)),
            "version": [1, 2, 3]}


def strategies(ids):
    special = st.sampled_from([0, -1, 1, 2, 2**31, 2**63 - 1, 2**63, 10**30, -(10**30), 1.5, 1e300, True, False,
                               None, "", " ", "1", "01", "1e3", "0x10", "\x00", "<script>alert(1)</script>",
                               "top", "bottom", "follow", "mute", "👍", "🎉", "x" * 300, "y" * 5000, [], {}, [1]])
    real = st.sampled_from(ids) | st.sampled_from(ids).map(str)
    scalar = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
              | st.text(max_size=80) | special | real)
    value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
    fields = st.dictionaries(st.sampled_from(field_names()) | st.text(max_size=8),
                             st.one_of(real, scalar, value), max_size=6)
    return fields, value, scalar, real


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
            plausible = st.text(min_size=1, max_size=40)
        parts[name] = st.one_of(plausible, plausible, plausible, scalar, value)
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
        await until(self.sender, lambda f: f["type"] == "pong" and f.get("id") == probe, keep=frames)
        return [f for f in frames if f["type"] != "presence"]

    async def bystander_frames(self):
        self.probes += 1
        probe = f"probe-{self.probes}"
        await self.bystander.send_json_to({"type": "ping", "id": probe})
        frames = []
        await until(self.bystander, lambda f: f["type"] == "pong" and f.get("id") == probe, keep=frames)
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
            key = reply["type"] if reply["type"] == "ack" else f"error:{reply['code']}"
            self.replies[key] = self.replies.get(key, 0) + 1
        refused = any(f["type"] == "error" for f in replies)
        acked = [f["seq"] for f in replies if f["type"] == "ack" and f["seq"] is not None]
        typed = 1 if kind == "typing" and not replies else 0

        def has(seqs, typing=0):
            return lambda got: (sorted(f["seq"] for f in got if f["type"] == "event") == seqs
                                and len([f for f in got if f["type"] == "typing"]) >= typing)

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
            board_services.set_up_board(t, people["lead"])
        column = Column.objects.filter(team=t, archived=False).order_by("rank").first()
        for title in ("Alpha", "Beta"):
            event = board_services.create_card(people["lead"], t, column=column, title=title)
            card = Card.objects.get(pk=event.data["card"])
            board_services.add_checklist_item(people["lead"], card, text="Step")
        discussion_services.post_message(people["lead"], t, channel=general(t).pk, body="hello", thread=None)
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
    kinds = sorted(COMMANDS) + ["typing", "resume"]  # resume last: it replays to the sender
    assert {"card.move", "card.create", "column.create", "message.post"} <= set(kinds)
    for kind in kinds:
        frames = st.builds(lambda extra, nested, request_id, kind=kind: (
            {**extra, "type": kind, "id": request_id} if not nested else
            {"type": kind, "id": request_id, "data": extra}),
            shaped(COMMANDS[kind], ids, own, by_field) | fields if kind in COMMANDS else fields,
            st.booleans(), st.text(max_size=10) | st.integers(-5, 5) | st.none())

        @hsettings(max_examples=EXAMPLES, **HYPOTHESIS)
        @given(frame=frames)
        def run(frame):
            text = json.dumps(frame)
            replies = fuzz.check(text, kind)
            if kind != "typing" and kind != "resume":
                assert replies, (text, "a command always gets an ack or an error")
            if kind == "resume":  # back to the present, whatever the fuzz claimed to hold
                latest = Team.objects.get(pk=team.pk).last_seq
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
