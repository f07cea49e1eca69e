"""Helpers for the board tests: a WebSocket client with a real session cookie, frame waits,
and board data made quickly."""
import json

from channels.db import database_sync_to_async as sync_to_async  # closes its connections
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

ORIGIN = (b"origin", b"http://127.0.0.1")


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def open_socket(user, team, origin=ORIGIN):
    """(connected, communicator); user None is anonymous."""
    from workspace.asgi import application

    headers = [origin, (b"host", b"127.0.0.1")]
    if user is not None:
        headers.append((b"cookie", (await sync_to_async(session_cookie)(user)).encode()))
    communicator = WebsocketCommunicator(application, f"/ws/teams/{team.slug}/", headers=headers)
    connected, _code = await communicator.connect()
    return connected, communicator


async def connect(user, team, after=None):
    """An accepted communicator that resumed after `after` (default: the team's latest seq)."""
    connected, communicator = await open_socket(user, team)
    assert connected, f"{user} was refused"
    if after is None:
        after = await sync_to_async(lambda: type(team).objects.get(pk=team.pk).last_seq)()
    await communicator.send_json_to({"type": "resume", "after": after})
    communicator.replayed = []
    frame = await until(communicator, lambda f: f["type"] == "resumed", keep=communicator.replayed)
    communicator.seq = frame["seq"]
    communicator.replayed = [f for f in communicator.replayed if f["type"] == "event"]
    return communicator


async def until(communicator, predicate, timeout=5, keep=None):
    """Receive frames until one matches (presence frames and others are skipped, or kept)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if predicate(frame):
            return frame
        if keep is not None:
            keep.append(frame)


async def next_event(communicator, timeout=5):
    return await until(communicator, lambda f: f["type"] == "event", timeout)


async def request(communicator, frame, timeout=5):
    """Send a command (dict or raw text); return its ack or error."""
    text = frame if isinstance(frame, str) else json.dumps(frame)
    request_id = frame.get("id") if isinstance(frame, dict) else None
    await communicator.send_to(text_data=text)
    return await until(communicator, lambda f: f["type"] in ("ack", "error") and f.get("id") == request_id, timeout)


async def nothing_pending(communicator):
    """True when no frame (other than presence) is waiting: ping and expect the pong first."""
    await communicator.send_json_to({"type": "ping", "id": "probe"})
    frames = []
    await until(communicator, lambda f: f["type"] == "pong", keep=frames)
    return [f for f in frames if f["type"] != "presence"] == []


def make_cards(team, count, actor):
    """`count` cards spread over the columns, with assignees, labels, goals, checklists and comments."""
    from teams.board import ranks
    from teams.board.models import Card, ChecklistItem, Column, Comment, Label
    from teams.models import Membership

    columns = list(Column.objects.filter(team=team, archived=False).order_by("rank"))
    members = [m.user for m in Membership.objects.filter(team=team).exclude(role="observer").select_related("user")]
    labels = [Label.objects.get_or_create(team=team, name=name)[0] for name in ("legal", "fhir", "pilot")]
    goals = list(team.goals.all())
    keys = ranks.spread(count)
    cards = Card.objects.bulk_create(
        Card(team=team, column=columns[n % len(columns)], rank=keys[n], title=f"Card {n}", created_by=actor)
        for n in range(count))
    Through = Card.assignees.through
    Through.objects.bulk_create(Through(card=card, user=members[n % len(members)]) for n, card in enumerate(cards))
    Card.labels.through.objects.bulk_create(Card.labels.through(card=card, label=labels[n % 3])
                                            for n, card in enumerate(cards))
    Card.goals.through.objects.bulk_create(Card.goals.through(card=card, strategicgoal=goals[n % len(goals)])
                                           for n, card in enumerate(cards))
    ChecklistItem.objects.bulk_create(ChecklistItem(card=card, text="step", done=n % 2 == 0)
                                      for n, card in enumerate(cards))
    Comment.objects.bulk_create(Comment(card=card, author=actor, body="ok") for card in cards[::2])
    return cards
