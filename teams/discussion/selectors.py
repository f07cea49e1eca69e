"""Every read of discussion channels: a constant number of SQL queries whatever the size.

The channel page costs: channels with unread counts (1 aggregate), one page of messages
with reply counts (1, correlated subqueries on the page's rows only), their reactions (1),
the channel's read markers for "seen by" (1), the viewer's thread subscriptions (1), the
members (1) and the settings (1). History pages by id (`before`), never by offset.
"""
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.models import User
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from teams.models import Membership, Team

from .models import Channel, DiscussionSettings, Message, Reaction, ReadMarker, ThreadSubscription

PAGE_SIZE = 50


class Seen(TypedDict):
    """What `_decorate` sets on each message."""
    reaction_summary: list[dict]
    seen_by_ids: list[int]
    seen_by: list[str]


class OnPage(Seen):
    """… and, on the channel page, the viewer's subscription to the message's thread."""
    subscription: str


if TYPE_CHECKING:  # django-stubs-ext is a lint dependency, not a runtime one
    from django_stubs_ext import WithAnnotations
    MessageSeen = WithAnnotations[Message, Seen]
    MessageOnPage = WithAnnotations[Message, OnPage]


def channels_with_unread(user: User, team: Team) -> list[Channel]:
    """The team's channels, each with `unread`: later messages by others than the viewer, not deleted."""
    last_read = ReadMarker.objects.filter(channel=OuterRef("pk"), user=user).values("last_read_id")[:1]
    return list(
        Channel.objects.filter(team=team)
        .annotate(last_read=Coalesce(Subquery(last_read), Value(0), output_field=IntegerField()))
        .annotate(unread=Count("messages", filter=Q(messages__id__gt=F("last_read"), messages__deleted_at=None)
                               & ~Q(messages__author=user)))
        .order_by("id")
    )


def _count_subquery(**filters) -> Coalesce:
    return Coalesce(Subquery(
        Message.objects.filter(**filters).order_by().values("thread").annotate(n=Count("id")).values("n")[:1],
        output_field=IntegerField()), Value(0))


def _messages(channel: Channel, *, thread: Message | None = None, before: int | None = None,
              limit: int = PAGE_SIZE) -> tuple[list[Message], bool]:
    queryset = Message.objects.filter(channel=channel, thread=thread)
    if before:
        queryset = queryset.filter(id__lt=before)
    if thread is None:
        queryset = queryset.annotate(
            reply_count=_count_subquery(thread=OuterRef("pk"), deleted_at=None),
            last_reply_id=Subquery(Message.objects.filter(thread=OuterRef("pk")).order_by("-id")
                                   .values("id")[:1]),
        )
    queryset = (queryset.select_related("author")
                .prefetch_related(Prefetch("reactions", queryset=Reaction.objects.select_related("user")))
                .order_by("-id"))
    rows = list(queryset[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return rows, more


def _decorate(messages: list[Message], user: User | None, markers: list[tuple[int, int]],
              names: dict[int, str]) -> "list[MessageSeen]":
    """Reactions per emoji and "seen by" (read markers at or past the message), in Python. Without a `user`,
    no reaction is "mine": the caller decides per viewer from each reaction's user_ids."""
    seen = cast("list[MessageSeen]", messages)  # each gains the Seen fields below
    me = user.pk if user is not None else None
    for message in seen:
        summary: dict[str, dict] = {}
        for reaction in message.reactions.all():
            entry = summary.setdefault(reaction.emoji, {"emoji": reaction.emoji, "count": 0, "mine": False,
                                                        "names": [], "user_ids": []})
            entry["count"] += 1
            entry["mine"] |= reaction.user_id == me
            entry["names"].append(names.get(reaction.user_id) or reaction.user.username)
            entry["user_ids"].append(reaction.user_id)
        message.reaction_summary = list(summary.values())
        # "Seen by" names the team's members (cluster bodies who read along are not listed).
        message.seen_by_ids = [uid for uid, last in markers
                               if last >= message.pk and uid != message.author_id and uid in names]
        message.seen_by = [names[uid] for uid in message.seen_by_ids]
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
    """Everything the channel page shows (a constant number of queries)."""
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
        "channels": channels_with_unread(user, team),
        "chat_messages": page, "more": more,
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
            thread: int | None = None) -> dict:
    """One older page of a channel (thread=None) or of a thread's replies, plus its root."""
    memberships = members(team)
    names = _names(memberships)
    root = None
    if thread is not None:
        root = (Message.objects.filter(pk=thread, channel=channel, thread=None).select_related("author")
                .prefetch_related(Prefetch("reactions", queryset=Reaction.objects.select_related("user")))
                .get())
    messages, more = _messages(channel, thread=root, before=before)
    markers = _markers(channel)
    _decorate(messages + ([root] if root else []), user, markers, names)
    subscription = ""
    if root is not None:
        subscription = (ThreadSubscription.objects.filter(user=user, root=root).values_list("state", flat=True)
                        .first() or "")
    return {"chat_messages": messages, "more": more, "root": root, "names": names, "subscription": subscription}
