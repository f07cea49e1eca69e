"""Every read of discussion channels: a constant number of SQL queries whatever the size.

The channel page costs: channels with unread counts (1, a count per channel; the public channels' kept per team
version: channel_list), one page of messages with reply counts (1, correlated subqueries on the page's rows
only), their reactions (1), their files (1), the channel's read markers for "seen by" (1), the viewer's thread
subscriptions (1), the members (1) and the settings (1). History pages by id (`before`), never by offset.
"""
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from teams import fragments
from teams.models import Membership, Team

from .access import visible_channels
from .models import (
    Channel,
    ChannelMember,
    DiscussionSettings,
    Message,
    MessageFile,
    Pin,
    Reaction,
    ReadMarker,
    ThreadSubscription,
)
from .pins import MAX_PINS

PAGE_SIZE = 50


class Seen(TypedDict):
    """What `_decorate` sets on each message."""
    reaction_summary: list[dict]
    seen_by_ids: list[int]
    seen_by: list[str]
    file_list: list[MessageFile]


class OnPage(Seen):
    """… and, on the channel page, the viewer's subscription to the message's thread."""
    subscription: str


if TYPE_CHECKING:  # django-stubs-ext is a lint dependency, not a runtime one
    from django_stubs_ext import WithAnnotations
    MessageSeen = WithAnnotations[Message, Seen]
    MessageOnPage = WithAnnotations[Message, OnPage]


def _unread(user: User, channels: QuerySet[Channel]) -> QuerySet[Channel]:
    """Each channel with `unread`: later messages than the viewer's read marker, by others, not deleted."""
    last_read = ReadMarker.objects.filter(channel=OuterRef(OuterRef("pk")), user=user).values("last_read_id")[:1]
    # A count per channel on the channel's index, from its reader's marker on: not a join of every message of the
    # team grouped by channel (12 ms for 5,000 messages on SQLite, this 1 to 5 ms).
    unread = (Message.objects.filter(channel=OuterRef("pk"), deleted_at=None,
                                     id__gt=Coalesce(Subquery(last_read), Value(0)))
              .exclude(author=user).order_by().values("channel").annotate(n=Count("id")).values("n")[:1])
    return channels.annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))


def channels_with_unread(user: User, team: Team) -> list[Channel]:
    """The team's channels the viewer may read (a private one: its members), each with `unread`."""
    return list(_unread(user, visible_channels(user, team)).order_by("id"))


def _counts(user: User, ids: list[int]) -> dict[int, int]:
    """The unread count of each channel (by id) for `user`: one query, none without ids."""
    if not ids:
        return {}
    rows = _unread(user, Channel.objects.filter(pk__in=ids)).values_list("pk", "unread")  # type: ignore[misc]
    return dict(rows)


def channel_list(user: User, team: Team) -> list[Channel]:
    """`channels_with_unread` for the channel page: the public channels' counts kept per team version for this
    viewer (every message, deletion and read marker is a team event; teams/fragments.py), a private channel's
    counted per request (private channels stay out of the cache). One query, two for a member of private ones."""
    read: list[Channel] = []

    def build() -> dict[int, int]:
        read.extend(channels_with_unread(user, team))
        return {channel.pk: channel.unread for channel in read if not channel.private}  # type: ignore[attr-defined]
    public = fragments.cached("unread", team, (user.pk,), build)
    if read:
        return read
    channels = list(visible_channels(user, team).order_by("id"))
    counts = {**public, **_counts(user, [channel.pk for channel in channels if channel.private])}
    for channel in channels:
        channel.unread = counts.get(channel.pk, 0)  # type: ignore[attr-defined]
    return channels


def _count_subquery(**filters) -> Coalesce:
    return Coalesce(Subquery(
        Message.objects.filter(**filters).order_by().values("thread").annotate(n=Count("id")).values("n")[:1],
        output_field=IntegerField()), Value(0))


def _messages(channel: Channel, *, thread: Message | None = None, before: int | None = None,
              after: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[Message], bool]:
    """A page of roots (or of a thread's replies) before an id, or after one (`more`: further that way)."""
    queryset = Message.objects.filter(channel=channel, thread=thread)
    if before:
        queryset = queryset.filter(id__lt=before)
    if after is not None:
        queryset = queryset.filter(id__gt=after)
    if thread is None:
        queryset = queryset.annotate(
            reply_count=_count_subquery(thread=OuterRef("pk"), deleted_at=None),
            last_reply_id=Subquery(Message.objects.filter(thread=OuterRef("pk")).order_by("-id")
                                   .values("id")[:1]),
        )
    queryset = (queryset.select_related("author")
                .prefetch_related(Prefetch("reactions", queryset=Reaction.objects.select_related("user")))
                .order_by("id" if after is not None else "-id"))
    rows = list(queryset[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if after is None:
        rows.reverse()
    return rows, more


def reaction_summary(reactions: Iterable, viewer: User | None, name_of: Callable) -> list[dict]:
    """Reactions per emoji, in the order first given: count, whether the viewer's, who (channels and direct
    messages, teams/direct/selectors.py). Without a `viewer`, none is "mine": the caller decides per viewer
    from `user_ids` (message_rows: one page for every viewer)."""
    me = viewer.pk if viewer is not None else None
    summary: dict[str, dict] = {}
    for reaction in reactions:
        entry = summary.setdefault(reaction.emoji, {"emoji": reaction.emoji, "count": 0, "mine": False, "names": [],
                                                    "user_ids": []})
        entry["count"] += 1
        entry["mine"] |= reaction.user_id == me
        entry["names"].append(name_of(reaction))
        entry["user_ids"].append(reaction.user_id)
    return list(summary.values())


def page_end_around(channel: Channel, root_id: int) -> int | None:
    """For a permalink to a root far back: the `before` of the page that holds it near its middle, or None
    when it is on the newest page (one query on the index, whatever the channel's length)."""
    newer = list(Message.objects.filter(channel=channel, thread=None, id__gt=root_id).order_by("id")
                 .values_list("id", flat=True)[:PAGE_SIZE // 2 + 1])
    return newer[-1] if len(newer) > PAGE_SIZE // 2 else None


def pinned(channel: Channel) -> list[Pin]:
    """The channel's "Pinned" panel, newest pin first (one query)."""
    return list(Pin.objects.filter(channel=channel).select_related("message__author")[:MAX_PINS])


def channel_member_ids(channel: Channel) -> list[int]:
    """A private channel's members (none for a public channel: no query)."""
    if not channel.private:
        return []
    return list(ChannelMember.objects.filter(channel=channel).values_list("user_id", flat=True))


def _decorate(messages: list[Message], user: User | None, markers: list[tuple[int, int]],
              names: dict[int, str]) -> "list[MessageSeen]":
    """Reactions per emoji and "seen by" (read markers at or past the message), in Python; the messages' files
    (one query for the page, a thread's root and replies together)."""
    seen = cast("list[MessageSeen]", messages)  # each gains the Seen fields below
    files: dict[int, list[MessageFile]] = {}
    for row in MessageFile.objects.filter(message__in=[m.pk for m in messages]) if messages else ():
        files.setdefault(row.message_id, []).append(row)
    for message in seen:
        message.reaction_summary = reaction_summary(message.reactions.all(), user, lambda reaction: names.get(
            reaction.user_id) or reaction.user.username)
        # "Seen by" names the team's members (cluster bodies who read along are not listed).
        message.seen_by_ids = [uid for uid, last in markers
                               if last >= message.pk and uid != message.author_id and uid in names]
        message.seen_by = [names[uid] for uid in message.seen_by_ids]
        message.file_list = files.get(message.pk, [])
    return seen


def members(team: Team) -> list[Membership]:
    return list(Membership.objects.filter(team=team, state=Membership.State.ACTIVE).select_related("user")
                .only("user__username", "user__first_name", "user__last_name")  # names: all a channel shows
                .order_by("user__first_name", "user__last_name"))


def _names(memberships: list[Membership]) -> dict[int, str]:
    return {m.user_id: m.user.get_full_name() or m.user.username for m in memberships}


def _markers(channel: Channel) -> list[tuple[int, int]]:
    return list(ReadMarker.objects.filter(channel=channel).values_list("user_id", "last_read_id"))


def channel_page(user: User, team: Team, channel: Channel, *, before: int | None = None) -> dict:
    """Everything the channel page shows (a constant number of queries); `before`: a page further back
    (a permalink's), with newer ones to load (`newer`)."""
    memberships = members(team)
    names = _names(memberships)
    messages, more = _messages(channel, before=before)
    page = cast("list[MessageOnPage]", _decorate(messages, user, _markers(channel), names))
    subscriptions = dict(ThreadSubscription.objects.filter(user=user, root__channel=channel)
                         .values_list("root_id", "state"))
    for message in page:
        message.subscription = subscriptions.get(message.pk, "")
    settings = discussion_settings(team)
    return {
        "chat_messages": page, "more": more, "newer": before is not None,
        "pins": pinned(channel), "channel_members": channel_member_ids(channel),
        "members": memberships, "names": names,
        "team_mention": settings.team_mention if settings else DiscussionSettings.TeamMention.LEADS,
        "settings": settings,
    }


def latest_messages(channel: Channel, names: dict[int, str]) -> "tuple[list[MessageSeen], bool]":
    """The channel's latest page as every viewer sees it (no viewer's marks): for message_rows.channel_data."""
    messages, more = _messages(channel)
    return _decorate(messages, None, _markers(channel), names), more


def discussion_settings(team: Team) -> DiscussionSettings | None:
    return DiscussionSettings.objects.filter(team=team).first()


def history(user: User, team: Team, channel: Channel, *, before: int | None = None,
            thread: int | None = None, after: int | None = None) -> dict:
    """One older page of a channel (thread=None) or of a thread's replies, plus its root; or, `after`
    an id, the next newer page of roots (a permalink's page catching up with the newest)."""
    memberships = members(team)
    names = _names(memberships)
    root = None
    if thread is not None:
        root = (Message.objects.filter(pk=thread, channel=channel, thread=None).select_related("author")
                .prefetch_related(Prefetch("reactions", queryset=Reaction.objects.select_related("user")))
                .get())
    messages, more = _messages(channel, thread=root, before=before, after=after)
    markers = _markers(channel)
    _decorate(messages + ([root] if root else []), user, markers, names)
    subscription = ""
    if root is not None:
        subscription = (ThreadSubscription.objects.filter(user=user, root=root).values_list("state", flat=True)
                        .first() or "")
    return {"chat_messages": messages, "more": more, "root": root, "names": names, "subscription": subscription}
