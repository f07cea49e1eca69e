"""A message body, resolved and rendered: @mentions of active members (and @team, if the team's
setting allows the author), #123 links to the team's board cards, Markdown → sanitised HTML."""
import re
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from teams import mentions as mention_parser
from teams.board.models import Card
from teams.markup import render_markdown
from teams.models import Membership, Team

from .team_settings import may_notify_team, settings_for

TASK_RE = re.compile(r"(?<![\w&#/\[])#(\d{1,9})\b")


def members_by_username(team: Team) -> dict[str, tuple[int, str]]:
    return {username.lower(): (user_id, username) for user_id, username in Membership.objects.filter(
        team=team, state=Membership.State.ACTIVE).values_list("user_id", "user__username")}


def resolve_mentions(actor: User, team: Team, body: str, *, names: dict[int, str] | None = None,
                     members: dict[str, tuple[int, str]] | None = None) -> tuple[list[int], bool]:
    """@username of active members → their ids; @team only if the team's setting allows the actor.

    `names`, a dict, receives the lower-cased usernames of the mentioned ids (for render_body,
    which then needs no query of its own)."""
    body_tokens = mention_parser.tokens(body)
    if members is None:  # `members`: already read for a batch of posts
        members = members_by_username(team) if body_tokens else {}
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


def existing_cards(team: Team, ids: set[int]) -> set[int]:
    """Which of these board card ids exist in the team."""
    if not ids:
        return set()
    return set(Card.objects.filter(pk__in=ids, team=team).values_list("pk", flat=True))


def card_url(team: Team, card_id: int) -> str:
    return reverse("board:card", args=[team.slug, card_id])


def render_body(team: Team, body: str, mention_ids: list[int], *,
                usernames: Iterable[str] | None = None, cards: set[int] | None = None) -> str:
    """Markdown → sanitised HTML, with member mentions marked and #123 linked to board card 123.

    `usernames`: the mentioned members' lower-cased usernames when the caller already has them."""
    if usernames is not None:
        members = set(usernames)
    else:
        members = {username.lower() for username, in Membership.objects.filter(
            team=team, user_id__in=mention_ids).values_list("user__username")} if mention_ids else set()
    if cards is None:  # `cards`: the team's cards among those a batch of posts names, already read
        cards = existing_cards(team, {int(n) for n in TASK_RE.findall(body)})

    def mark(part: str) -> str:
        def task(match):
            card_id = int(match.group(1))
            return f"[#{card_id}]({card_url(team, card_id)})" if card_id in cards else match.group(0)

        return TASK_RE.sub(task, mention_parser.mark(part, members | mention_parser.TEAM_MENTIONS,
                                                     lambda text: f'<span class="mention">{text}</span>'))

    return str(render_markdown(mention_parser.outside_code(body, mark)))
