"""Every write to discussion channels: permission → validation → transaction → event.

Views, the WebSocket commands (realtime/commands/discussion.py), the admin and the demo call
these functions and nothing else. They raise PermissionDenied or ValidationError with
messages meant for the person, and ObjectDoesNotExist for ids outside the team.

Event data (what clients and the notifications part read) always carries ids:
"channel", "message", "thread" (root id or null), "author", "mentions" [user ids].
"""
import contextlib
import contextvars
import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams import mentions as mention_parser
from teams.markup import render_markdown
from teams.models import Membership
from teams.board.models import Card
from teams.permissions import (Action, lock_and_require, lock_and_require_each, may_edit_message, may_mention_team,
                               may_remove_message)

from .models import (MAX_MESSAGE_LENGTH, Channel, DiscussionSettings, Message, Reaction, ReadMarker,
                     ThreadSubscription)

log = logging.getLogger(__name__)

GENERAL = "general"
REACTIONS = ["👍", "❤️", "🎉", "😄", "🤔", "👀", "✅", "🙏"]
TASK_RE = re.compile(r"(?<![\w&#/\[])#(\d{1,9})\b")

_rate_limit_suspended = contextvars.ContextVar("discussion_rate_limit_suspended", default=False)


# Helpers -----------------------------------------------------------------------------

def _name(user):
    return (user.get_full_name() or user.username) if user else ""


def _id(value):
    return value.pk if hasattr(value, "pk") else value


def _channel(team, channel):
    return Channel.objects.get(pk=_id(channel), team=team)


def _message(team, message, *, lock=False):
    queryset = Message.objects.select_related("channel", "author")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=_id(message), team=team)


def settings_for(team):
    obj, _created = DiscussionSettings.objects.get_or_create(team=team)
    return obj


def _clean_body(body):
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")}, code="empty")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError({"body": _("A message has at most %(max)d characters (this one has %(n)d).")
                               % {"max": MAX_MESSAGE_LENGTH, "n": len(body)}}, code="too_long")
    return body


def may_notify_team(user, team):
    """Whether @team from this person notifies everyone: the team's setting decides."""
    return may_mention_team(user, team, policy=settings_for(team).team_mention)


def _members_by_username(team):
    return {username.lower(): (user_id, username) for user_id, username in Membership.objects.filter(
        team=team, state=Membership.State.ACTIVE).values_list("user_id", "user__username")}


def resolve_mentions(actor, team, body, names=None):
    """@username of active members → their ids; @team only if the team's setting allows the actor.

    `names`, a dict, receives the lower-cased usernames of the mentioned ids (for render_body,
    which then needs no query of its own)."""
    body_tokens = mention_parser.tokens(body)
    members = _members_by_username(team) if body_tokens else {}
    ids, team_mention = [], False
    for name in mention_parser.names(body_tokens, members.keys() | mention_parser.TEAM_MENTIONS):
        if name in mention_parser.TEAM_MENTIONS:
            team_mention = True
            continue
        ids.append(members[name][0])
        if names is not None:
            names[members[name][0]] = name
    if team_mention and not may_notify_team(actor, team):
        raise ValidationError({"body": _("In this team only %(who)s may notify everyone with @team.")
                               % {"who": settings_for(team).get_team_mention_display().lower()}},
                              code="team_mention")
    return ids, team_mention


def existing_cards(team, ids):
    """Which of these board card ids exist in the team."""
    if not ids:
        return set()
    return set(Card.objects.filter(pk__in=ids, team=team).values_list("pk", flat=True))


def card_url(team, card_id):
    return reverse("board:card", args=[team.slug, card_id])


def render_body(team, body, mention_ids, usernames=None):
    """Markdown → sanitised HTML, with member mentions marked and #123 linked to board card 123.

    `usernames`: the mentioned members' lower-cased usernames when the caller already has them."""
    if usernames is not None:
        members = set(usernames)
    else:
        members = {username.lower() for username, in Membership.objects.filter(
            team=team, user_id__in=mention_ids).values_list("user__username")} if mention_ids else set()
    cards = existing_cards(team, {int(n) for n in TASK_RE.findall(body)})

    def mark(part):
        def task(match):
            card_id = int(match.group(1))
            return f"[#{card_id}]({card_url(team, card_id)})" if card_id in cards else match.group(0)

        return TASK_RE.sub(task, mention_parser.mark(part, members | mention_parser.TEAM_MENTIONS,
                                                     lambda text: f'<span class="mention">{text}</span>'))

    return str(render_markdown(mention_parser.outside_code(body, mark)))


@contextlib.contextmanager
def rate_limit_suspended():
    """For imports and the demo loader only: post many messages at once."""
    token = _rate_limit_suspended.set(True)
    try:
        yield
    finally:
        _rate_limit_suspended.reset(token)


def take_post_quota(user, wanted):
    """How many of `wanted` new posts the person may make now: per person, across tabs and
    processes (the cache is Redis when scaled out), one count per batch. The rest are refused
    with post_rate_error()."""
    if _rate_limit_suspended.get():
        return wanted
    count, window = getattr(settings, "DISCUSSION_POST_RATE", (20, 30))
    key = f"discussion:posts:{user.pk}:{int(time.time() // window)}"
    try:
        posted = _add_to_counter(key, wanted, timeout=window * 2)
    except Exception:  # a cache outage must not stop the discussion
        log.warning("post rate limit unavailable", exc_info=True)
        return wanted
    return max(0, min(wanted, count - (posted - wanted)))


def _add_to_counter(key, amount, timeout):
    """Add `amount` to a cached counter that lives `timeout` seconds from its first use; the new total.

    On Redis one round trip (SET NX and INCRBY, pipelined) instead of three: Django's add(), then
    incr(), which asks whether the key exists before it increments. The post path waits for it."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(full_key, write=True)  # Django's RedisCacheClient
        pipe = client.pipeline(transaction=False)
        pipe.set(full_key, 0, ex=timeout, nx=True)  # Django stores ints as plain numbers: get() reads it
        pipe.incrby(full_key, amount)
        return pipe.execute()[1]
    backend.add(key, 0, timeout=timeout)
    return backend.incr(key, amount)


def post_rate_error():
    count, window = getattr(settings, "DISCUSSION_POST_RATE", (20, 30))
    wait = max(1, int((time.time() // window + 1) * window - time.time()) + 1)
    return ValidationError(
        _("You are posting too fast (at most %(count)d messages in %(seconds)d seconds). "
          "Please wait %(wait)d seconds.") % {"count": count, "seconds": window, "wait": wait},
        code="rate_limited")


def message_data(message, **extra):
    data = {
        "channel": message.channel_id, "message": message.pk, "thread": message.thread_id,
        "author": message.author_id, "author_name": _name(message.author),
        "body": message.body, "html": message.html, "mentions": list(message.mentions),
        "team_mention": message.team_mention, "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
    }
    data.update(extra)
    return data


def _subscribe(root, user, state=ThreadSubscription.State.FOLLOW, *, keep_existing=True):
    if keep_existing:
        ThreadSubscription.objects.get_or_create(root=root, user=user, defaults={"state": state})
    else:
        ThreadSubscription.objects.update_or_create(root=root, user=user, defaults={"state": state})


def _advance_marker(channel, user, message_id):
    """Move the person's read marker forward (never back); True if it moved."""
    updated = ReadMarker.objects.filter(channel=channel, user=user, last_read_id__lt=message_id).update(
        last_read_id=message_id, updated_at=timezone.now())
    if updated:
        return True
    _marker, created = ReadMarker.objects.get_or_create(channel=channel, user=user,
                                                        defaults={"last_read_id": message_id})
    return created


# Set-up and channels --------------------------------------------------------------------

def set_up_channels(team, actor):
    """Called (inside the launch transaction) when a team is launched: its "general" channel."""
    settings_for(team)
    if not Channel.objects.filter(team=team, name=GENERAL).exists():
        channel = Channel.objects.create(team=team, name=GENERAL, topic=_("Everything the team talks about"),
                                         created_by=actor if actor and actor.pk else None)
        events.record(team, "channel.created", actor, channel_data(channel))


def channel_data(channel):
    return {"channel": channel.pk, "name": channel.name, "topic": channel.topic, "card": channel.card_id}


@transaction.atomic
def create_channel(actor, team, *, name, topic="", card=None):
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    name = " ".join((name or "").split()).lstrip("#")
    if not name:
        raise ValidationError({"name": _("Give the channel a name.")})
    if len(name) > 60 or len(topic or "") > 300:
        raise ValidationError({"name": _("Channel names have at most 60 characters, topics 300.")})
    if "<" in name + (topic or "") and ">" in name + (topic or ""):
        raise ValidationError({"name": _("HTML tags are not allowed here.")})
    if Channel.objects.filter(team=team, name__iexact=name).exists():
        raise ValidationError({"name": _("The team already has a channel called #%(name)s.") % {"name": name}})
    if card is not None and card not in existing_cards(team, {card}):
        raise ValidationError({"card": _("There is no task #%(card)s on this team's board.") % {"card": card}})
    channel = Channel.objects.create(team=team, name=name, topic=topic or "", card_id=card, created_by=actor)
    channel.event = events.record(team, "channel.created", actor, channel_data(channel))
    return channel


@transaction.atomic
def update_settings(actor, team, *, team_mention):
    team = lock_and_require(actor, Action.EDIT, team)
    if team_mention not in DiscussionSettings.TeamMention.values:
        raise ValidationError({"team_mention": _("Unknown choice.")})
    obj = settings_for(team)
    obj.team_mention = team_mention
    obj.save(update_fields=["team_mention"])
    obj.event = events.record(team, "discussion.settings_changed", actor, {"team_mention": team_mention})
    return obj


# Messages ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Post:
    """One message to post: what a form or a `message.post` frame carries."""
    actor: object
    channel: object  # a Channel or its id
    body: str
    thread: object = None  # the root (or any message) of the thread replied to, or its id


def post_message(actor, team, *, channel, body, thread=None):
    outcome, = post_messages(team, [Post(actor, channel, body, thread)])
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@transaction.atomic
def post_messages(team, posts):
    """Post several messages in one transaction (the WebSocket server's group commit: posts
    that arrive while one is being written go together). Returns, per post, the Message (with
    `.event`) or the refusal (PermissionDenied, ValidationError, ObjectDoesNotExist): a refused
    post writes nothing and does not stop the others."""
    outcomes, accepted = [None] * len(posts), []
    team, refusals = lock_and_require_each([post.actor for post in posts], Action.CONTRIBUTE, team)
    channels = {}  # id → Channel, read once per batch
    for index, (post, refusal) in enumerate(zip(posts, refusals)):
        if refusal is not None:
            outcomes[index] = refusal
            continue
        try:
            accepted.append((index, _checked_message(team, post, channels)))
        except (PermissionDenied, ValidationError, ObjectDoesNotExist) as exc:
            outcomes[index] = exc
    accepted = _within_post_rate(accepted, outcomes)
    if not accepted:
        return outcomes
    # The numbers are taken before the rows are written (the team row is locked since the start),
    # so message ids follow seq order across transactions.
    last_seq = events.allocate(team, "message.posted", count=len(accepted))
    messages = Message.objects.bulk_create([message for _index, message in accepted])
    # The author has read up to their own message: one upsert per channel and person.
    newest = {}
    for message in messages:
        newest[(message.channel_id, message.author_id)] = message.pk
    ReadMarker.objects.bulk_create([ReadMarker(channel_id=channel_id, user_id=user_id, last_read_id=message_id)
                                    for (channel_id, user_id), message_id in newest.items()],
                                   update_conflicts=True, unique_fields=["channel", "user"],
                                   update_fields=["last_read_id", "updated_at"])
    # A new thread is followed by its author; a reply follows the thread unless already following or muting.
    ThreadSubscription.objects.bulk_create(
        [ThreadSubscription(root_id=message.thread_id or message.pk, user_id=message.author_id,
                            state=ThreadSubscription.State.FOLLOW) for message in messages],
        ignore_conflicts=True)
    roots = {message.thread_id for message in messages if message.thread_id}
    subscriptions = {}
    for root_id, user_id, state in ThreadSubscription.objects.filter(root_id__in=roots).values_list(
            "root_id", "user_id", "state") if roots else ():
        subscriptions.setdefault(root_id, {})[user_id] = state
    items = []
    for message in messages:
        extra = {}
        if message.thread_id:
            others = {u: s for u, s in subscriptions.get(message.thread_id, {}).items() if u != message.author_id}
            extra = {"followers": sorted(u for u, s in others.items() if s == ThreadSubscription.State.FOLLOW),
                     "muted": sorted(u for u, s in others.items() if s == ThreadSubscription.State.MUTE)}
        items.append((message.author, message_data(message, **extra)))
    for (index, _message), message, event in zip(accepted, messages, events.record_many(
            team, "message.posted", items, last_seq=last_seq)):
        message.event = event
        outcomes[index] = message
    return outcomes


def _within_post_rate(accepted, outcomes):
    """Each person's valid posts count against their rate limit (one cache round trip per person)."""
    by_author = {}
    for index, message in accepted:
        by_author.setdefault(message.author_id, []).append((index, message))
    allowed = {author_id: take_post_quota(posts[0][1].author, len(posts)) for author_id, posts in by_author.items()}
    kept = []
    for index, message in accepted:
        if allowed[message.author_id] > 0:
            allowed[message.author_id] -= 1
            kept.append((index, message))
        else:
            outcomes[index] = post_rate_error()
    return kept


def _checked_message(team, post, channels):
    """The unsaved Message for a post, or the refusal. Reads only (`channels`: a cache by id)."""
    actor = post.actor
    body = _clean_body(post.body)
    channel_id = _id(post.channel)
    if channel_id not in channels:
        channels[channel_id] = _channel(team, channel_id)
    channel = channels[channel_id]
    root = None
    if post.thread:
        root = Message.objects.select_related("thread").filter(pk=_id(post.thread), channel=channel).first()
        if root is None:
            raise ValidationError({"thread": _("This thread does not exist in this channel.")})
        root = root.thread or root  # a reply to a reply joins the same thread
        if root.is_deleted:
            raise ValidationError({"thread": _("This thread's first message was deleted.")})
    names = {}
    mentions, team_mention = resolve_mentions(actor, team, body, names)
    return Message(team=team, channel=channel, author=actor, thread=root, body=body,
                   html=render_body(team, body, mentions, names.values()), mentions=mentions,
                   team_mention=team_mention)


@transaction.atomic
def edit_message(actor, team, *, message, body):
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    message = _message(team, message, lock=True)
    if not may_edit_message(actor, author_id=message.author_id):
        raise PermissionDenied(_("You can edit only your own messages."))
    if message.is_deleted:
        raise ValidationError(_("This message was deleted."))
    body = _clean_body(body)
    names = {}
    mentions, team_mention = resolve_mentions(actor, team, body, names)
    added = [user_id for user_id in mentions if user_id not in message.mentions]
    message.body, message.mentions, message.team_mention = body, mentions, team_mention
    message.html = render_body(team, body, mentions, names.values())
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "html", "mentions", "team_mention", "edited_at"])
    message.event = events.record(team, "message.edited", actor, message_data(message, added_mentions=added))
    return message


@transaction.atomic
def delete_message(actor, team, *, message):
    """Your own messages; leads and supporters (and cluster management) remove others'."""
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    message = _message(team, message, lock=True)
    if not may_remove_message(actor, team, author_id=message.author_id):
        raise PermissionDenied(_("Only leads and supporters can remove other people's messages."))
    if message.is_deleted:
        raise ValidationError(_("This message was already deleted."))
    message.body, message.html, message.mentions, message.team_mention = "", "", [], False
    message.deleted_at, message.deleted_by = timezone.now(), actor
    message.save(update_fields=["body", "html", "mentions", "team_mention", "deleted_at", "deleted_by"])
    message.reactions.all().delete()
    message.event = events.record(team, "message.deleted", actor, {
        "channel": message.channel_id, "message": message.pk, "thread": message.thread_id,
        "author": message.author_id, "by": actor.pk})
    return message


def _reaction_target(team, message, emoji):
    if emoji not in REACTIONS:
        raise ValidationError({"emoji": _("Choose one of the offered reactions.")})
    message = _message(team, message)
    if message.is_deleted:
        raise ValidationError(_("This message was deleted."))
    return message


def _reaction_data(message, emoji, actor):
    count = Reaction.objects.filter(message=message, emoji=emoji).count()
    return {"channel": message.channel_id, "message": message.pk, "thread": message.thread_id,
            "author": message.author_id, "emoji": emoji, "user": actor.pk, "count": count}


@transaction.atomic
def add_reaction(actor, team, *, message, emoji):
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    message = _reaction_target(team, message, emoji)
    _reaction, created = Reaction.objects.get_or_create(message=message, user=actor, emoji=emoji)
    if not created:
        return None  # already there: nothing changed
    return events.record(team, "reaction.added", actor, _reaction_data(message, emoji, actor))


@transaction.atomic
def remove_reaction(actor, team, *, message, emoji):
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    message = _reaction_target(team, message, emoji)
    deleted, _rows = Reaction.objects.filter(message=message, user=actor, emoji=emoji).delete()
    if not deleted:
        return None
    return events.record(team, "reaction.removed", actor, _reaction_data(message, emoji, actor))


# Reading and following --------------------------------------------------------------------

@transaction.atomic
def mark_read(actor, team, *, channel, message):
    """Everyone who may see the team has read markers (observers too). Returns the event or None."""
    team = lock_and_require(actor, Action.VIEW, team)
    channel = _channel(team, channel)
    message = Message.objects.only("pk").get(pk=_id(message), channel=channel)
    if not _advance_marker(channel, actor, message.pk):
        return None
    return events.record(team, "message.read", actor, {"channel": channel.pk, "user": actor.pk,
                                                       "message": message.pk})


@transaction.atomic
def set_thread_subscription(actor, team, *, message, state):
    """Follow or mute a thread ("" returns to the default: following threads you took part in)."""
    team = lock_and_require(actor, Action.VIEW, team)
    if state not in ("", *ThreadSubscription.State.values):
        raise ValidationError({"state": _("Choose follow, mute or neither.")})
    root = _message(team, message)
    root = root.thread or root
    if state:
        _subscribe(root, actor, state, keep_existing=False)
    else:
        ThreadSubscription.objects.filter(root=root, user=actor).delete()
    return events.record(team, "thread.subscription", actor, {"channel": root.channel_id, "message": root.pk,
                                                              "thread": root.pk, "user": actor.pk,
                                                              "state": state})
