"""Which team events notify whom: the one readable table.

`RULES` maps an event kind to a function returning ``[(kind, recipient ids)]``. Each reads
the event's data defensively (a missing key means nobody to tell). The actor is never told
about their own doing. (A notification's words: models.describe.)
"""
from collections.abc import Callable

from django.urls import reverse

from teams.discussion.models import ChannelMember
from teams.models import Event, Membership, Team

from .models import Kind

Targets = list[tuple[str, list[int]]]  # [(notification kind, recipient ids)]


def _ids(value: object) -> list[int]:
    if not isinstance(value, (list, tuple)):
        return []
    return [int(v) for v in value if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]


def _members(team_id: int, roles: list[str] | None = None) -> list[int]:
    queryset = Membership.objects.filter(team_id=team_id, state=Membership.State.ACTIVE)
    if roles:
        queryset = queryset.filter(role__in=roles)
    return list(queryset.values_list("user_id", flat=True))


def task_assigned(event: Event) -> Targets:
    return [(Kind.TASK_ASSIGNED, _ids(event.data.get("added_assignees")))]


def mentioned(event: Event) -> Targets:
    data = event.data
    # An edit tells only the people it newly mentions, when the discussion says who they are.
    people = data.get("added_mentions") if event.kind == "message.edited" and "added_mentions" in data \
        else data.get("mentions")
    return [(Kind.MENTION, _ids(people))]


def join_requested(event: Event) -> Targets:
    return [(Kind.JOIN_REQUEST, _members(event.team_id, [Membership.Role.LEAD, Membership.Role.SUPPORTER]))]


def review_note_added(event: Event) -> Targets:
    return [(Kind.REVIEW_NOTE, _members(event.team_id))]


def webhook_disabled(event: Event) -> Targets:
    """The leads hear of an endpoint the delivery job switched off (not of one a person switched off)."""
    if not event.data.get("by_failures"):
        return []
    return [(Kind.WEBHOOK_DISABLED, _members(event.team_id, [Membership.Role.LEAD]))]


def task_due(event: Event) -> Targets:
    return [(Kind.TASK_DUE, _ids(event.data.get("assignees")))]


def team_ending(event: Event) -> Targets:
    return [(Kind.TEAM_ENDING, _members(event.team_id))]


def team_ended(event: Event) -> Targets:
    return [(Kind.TEAM_ENDED, _members(event.team_id))]


def chat_deletion_announced(event: Event) -> Targets:
    return [(Kind.CHAT_DELETION, _members(event.team_id, [Membership.Role.LEAD]))]


RULES = {
    "message.posted": mentioned,
    "message.edited": mentioned,
    "card.commented": mentioned,
    "member.requested": join_requested,
    "review_note.added": review_note_added,
    "card.due_soon": task_due,
    "team.ending_soon": team_ending,
    "team.ended": team_ended,
    "chat.deletion_announced": chat_deletion_announced,
    "webhook.disabled": webhook_disabled,
}


def rule_for(kind: str) -> Callable[[Event], Targets] | None:
    if kind in RULES:
        return RULES[kind]
    if kind.startswith("card."):  # card.created, card.updated, card.assigned …: whoever was added
        return task_assigned
    return None


def applies(event: Event) -> bool:
    """Whether the event may notify anyone at all (no query: most events do not)."""
    rule = rule_for(event.kind)
    if rule is None or not isinstance(event.data, dict):
        return False
    if rule is task_assigned and not event.data.get("added_assignees"):
        return False  # most card events assign nobody
    return True


def recipients(event: Event, *, members: dict[int, list[int]] | None = None) -> Targets:
    """[(notification kind, [user ids])] for the event, the actor left out (`members`: a cache of each
    team's active members, for a batch of events)."""
    rule = rule_for(event.kind)
    if rule is None or not applies(event):
        return []
    result: Targets = []
    cache = {} if members is None else members
    for kind, targets in rule(event):
        user_ids = {uid for uid in targets if uid != event.actor_id}
        if user_ids:
            # Only the team's members hear of its private content (and only real people).
            if event.team_id not in cache:
                cache[event.team_id] = _members(event.team_id)
            user_ids &= set(cache[event.team_id])
        if user_ids and event.private_channel is not None:  # a private channel's: its members only
            user_ids &= set(ChannelMember.objects.filter(channel_id=event.private_channel)
                            .values_list("user_id", flat=True))
        if user_ids:
            result.append((kind, sorted(user_ids)))
    return result


def details(event: Event, team: Team) -> dict:
    """The names a notification's text needs, frozen at the time of the event."""
    data = event.data if isinstance(event.data, dict) else {}
    actor = event.actor
    card_title = data.get("title") or (data.get("card") if isinstance(data.get("card"), str) else "")
    return {
        "team": team.name,
        "actor": (actor.get_full_name() or actor.username) if actor else "",
        "card": card_title or "",
        "due_date": data.get("due_date", ""),
        "end_date": data.get("end_date") or team.end_date.isoformat(),
        "days": data.get("days_left", ""),
        "note": (data.get("excerpt") or "")[:120],
    }


def url_for(kind: str, event: Event, team: Team) -> str:
    """Where the notification leads: the card or the very message when the event names one."""
    data = event.data if isinstance(event.data, dict) else {}
    card, channel, message = (data.get(key) for key in ("card", "channel", "message"))
    try:
        if event.kind.startswith("card.") and type(card) is int:
            return reverse("board:card", args=[team.slug, card])
        if event.kind.startswith("message.") and type(channel) is int and type(message) is int:
            return reverse("discussion:channel", args=[team.slug, channel]) + f"?message={message}"
        if kind in (Kind.TASK_ASSIGNED, Kind.TASK_DUE):
            return reverse("board:board", args=[team.slug])
        if kind == Kind.MENTION:
            return reverse("discussion:channels", args=[team.slug])
        if kind == Kind.REVIEW_NOTE:
            return reverse("review:team", args=[team.slug]) + "#notes"
        if kind == Kind.CHAT_DELETION:
            return reverse("discussion:channels", args=[team.slug])
        if kind == Kind.WEBHOOK_DISABLED:
            return reverse("webhooks:list", args=[team.slug])
        if kind == Kind.JOIN_REQUEST:
            return reverse("teams:detail", args=[team.slug]) + "#members"
        return reverse("teams:detail", args=[team.slug])
    except Exception:  # a part not mounted (yet): the team page is always there
        return f"/teams/{team.slug}/"
