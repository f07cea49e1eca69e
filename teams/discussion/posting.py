"""Posting messages, one or a batch (the WebSocket server's group commit, realtime/group_commit.py).

The batch is one transaction: the team row is locked and every author checked first
(`teams.permissions.lock_and_require_each`), each post validated on its own (a refused post writes
nothing and does not stop the others), then one INSERT per table and one ring for all.
"""
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams import events
from teams import mentions as mention_parser
from teams.models import Team
from teams.permissions import Action, lock_and_require_each

from . import access
from .files import StagedFile, attach, file_data
from .messages import as_id, clean_body, get_channel, message_data
from .models import Channel, Message, ReadMarker, ThreadSubscription
from .rate_limit import within_post_rate
from .rendering import TASK_RE, existing_cards, members_by_username, render_body, resolve_mentions


@dataclass(frozen=True)
class Post:
    """One message to post: what a form or a `message.post` frame carries."""
    actor: User
    channel: Channel | int
    body: str
    thread: Message | int | None = None  # the root (or any message) of the thread replied to, or its id
    files: tuple[StagedFile, ...] = ()  # checked and stored (teams.discussion.files.stage_all): then body may be ""


def post_message(actor: User, team: Team, *, channel: Channel | int, body: str,
                 thread: Message | int | None = None, files: tuple[StagedFile, ...] = ()) -> Message:
    outcome, = post_messages(team, [Post(actor, channel, body, thread, files)])
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@transaction.atomic
def post_messages(team: Team, posts: list[Post]) -> list[Message | Exception]:
    """Post several messages in one transaction (the WebSocket server's group commit: posts
    that arrive while one is being written go together). Returns, per post, the Message (with
    `.event`) or the refusal (PermissionDenied, ValidationError, ObjectDoesNotExist): a refused
    post writes nothing and does not stop the others."""
    outcomes: list[Any] = [None] * len(posts)  # a Message or a refusal for each post by the end
    accepted: list[tuple[int, Message]] = []
    team, refusals = lock_and_require_each([post.actor for post in posts], Action.CONTRIBUTE, team)
    reads = _BatchReads(team, [post for post, refusal in zip(posts, refusals) if refusal is None])
    for index, (post, refusal) in enumerate(zip(posts, refusals)):
        if refusal is not None:
            outcomes[index] = refusal
            continue
        try:
            accepted.append((index, _checked_message(team, post, reads)))
        except (PermissionDenied, ValidationError, ObjectDoesNotExist) as exc:
            outcomes[index] = exc
    accepted = within_post_rate(accepted, outcomes)
    if not accepted:
        return outcomes
    # The numbers are taken before the rows are written (the team row is locked since the start),
    # so message ids follow seq order across transactions.
    last_seq = events.allocate(team, "message.posted", count=len(accepted))
    messages = Message.objects.bulk_create([message for _index, message in accepted])
    files = attach([(message, posts[index].files) for (index, _m), message in zip(accepted, messages)
                    if posts[index].files])
    # The author has read up to their own message: one upsert per channel and person.
    newest: dict[tuple[int, int], int] = {}
    for message in messages:
        if message.author_id is not None:  # always: a post's author is its actor
            newest[(message.channel_id, message.author_id)] = message.pk
    ReadMarker.objects.bulk_create([ReadMarker(channel_id=channel_id, user_id=user_id, last_read_id=message_id)
                                    for (channel_id, user_id), message_id in newest.items()],
                                   update_conflicts=True, unique_fields=["channel", "user"],
                                   update_fields=["last_read_id", "updated_at"])
    # A new thread is followed by its author; a reply follows the thread unless already following or muting.
    ThreadSubscription.objects.bulk_create(
        [ThreadSubscription(root_id=message.thread_id or message.pk, user_id=message.author_id,
                            state=ThreadSubscription.State.FOLLOW)
         for message in messages if message.author_id is not None],
        ignore_conflicts=True)
    roots = {message.thread_id for message in messages if message.thread_id}
    subscriptions: dict[int, dict[int, str]] = {}
    for root_id, user_id, state in ThreadSubscription.objects.filter(root_id__in=roots).values_list(
            "root_id", "user_id", "state") if roots else ():
        subscriptions.setdefault(root_id, {})[user_id] = state
    items = []
    for message in messages:
        extra: dict[str, Any] = {}
        if message.thread_id:
            others = {u: s for u, s in subscriptions.get(message.thread_id, {}).items() if u != message.author_id}
            extra = {"followers": sorted(u for u, s in others.items() if s == ThreadSubscription.State.FOLLOW),
                     "muted": sorted(u for u, s in others.items() if s == ThreadSubscription.State.MUTE)}
        if message.pk in files:
            extra["files"] = [file_data(team.slug, message.channel_id, row) for row in files[message.pk]]
        items.append((message.author, message_data(message, **extra)))
    with access.channels_known(reads.channels.values()):
        recorded = events.record_many(team, "message.posted", items, last_seq=last_seq)
    for (index, _message), message, event in zip(accepted, messages, recorded):
        message.event = event
        outcomes[index] = message
    return outcomes


def _int_id(value: Message | int | str) -> int | None:
    """A thread named by a Message, an int or a str of digits (a form's value), as an int."""
    value = as_id(value)
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else None


class _BatchReads:
    """What a batch's posts look up, read once for the batch instead of once per post: channels,
    thread roots, the team's members by username (mentions) and the board cards named by #123."""

    def __init__(self, team: Team, posts: list[Post]) -> None:
        self.team = team
        self.channels: dict[int | str, Channel] = {}
        thread_ids = {i for post in posts if post.thread and (i := _int_id(post.thread)) is not None}
        self.roots = {message.pk: message for message in Message.objects.select_related("thread").filter(
            pk__in=thread_ids, team=team)} if thread_ids else {}
        bodies = [post.body for post in posts if isinstance(post.body, str)]
        self.members = members_by_username(team) if any(mention_parser.tokens(body) for body in bodies) else {}
        self.cards = existing_cards(team, {int(n) for body in bodies for n in TASK_RE.findall(body)})

    def channel(self, channel_id: int | str) -> Channel:
        if channel_id not in self.channels:
            self.channels[channel_id] = get_channel(self.team, channel_id)
        return self.channels[channel_id]


def _checked_message(team: Team, post: Post, reads: _BatchReads) -> Message:
    """The unsaved Message for a post, or the refusal. Reads nothing that `reads` has not read."""
    actor = post.actor
    # A message may be only files.
    body = "" if post.files and not (isinstance(post.body, str) and post.body.strip()) else clean_body(post.body)
    channel = access.require_readable(actor, reads.channel(as_id(post.channel)))
    access.require_open(channel)
    root = None
    if post.thread:
        thread_id = _int_id(post.thread)
        root = reads.roots.get(thread_id) if thread_id is not None else None
        if root is None or root.channel_id != channel.pk:
            raise ValidationError({"thread": _("This thread does not exist in this channel.")})
        root = root.thread or root  # a reply to a reply joins the same thread
        if root.is_deleted:
            raise ValidationError({"thread": _("This thread's first message was deleted.")})
    names: dict[int, str] = {}
    mentions, team_mention = resolve_mentions(actor, team, body, names=names, members=reads.members)
    return Message(team=team, channel=channel, author=actor, thread=root, body=body,
                   html=render_body(team, body, mentions, usernames=names.values(), cards=reads.cards) if body else "",
                   mentions=mentions,
                   team_mention=team_mention)
