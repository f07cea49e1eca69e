"""Comments on cards (Action.CONTRIBUTE), with the @username mentions notifications read;
under `teams.permissions.lock_and_require_board`'s lock contract."""
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams import mentions
from teams.models import Event, Membership, Team
from teams.permissions import Action, lock_and_require_board

from .models import Card, Comment
from .state import fresh_card, touch


def mentioned_users(team: Team, body: str) -> list[int]:
    """@username mentions of the team's members (ids), for notifications."""
    tokens = mentions.tokens(body)
    if not tokens:
        return []
    members = {username.lower(): user_id for user_id, username in Membership.objects.filter(
        team=team, state=Membership.State.ACTIVE).values_list("user_id", "user__username")}
    return sorted(members[name] for name in mentions.names(tokens, members))


def mention_people(active: list[Membership]) -> dict[str, dict[str, str]]:
    """Who a comment may @mention (the team's active memberships, users selected), for the comment box's
    suggestions (static/js/mention.js)."""
    return {"members": {str(m.user_id): m.user.get_full_name() or m.user.username for m in active},
            "usernames": {str(m.user_id): m.user.username for m in active}}


@transaction.atomic
def add_comment(actor: User, card: Card, *, body: str) -> Event:
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = fresh_card(card, team)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > 10000:
        raise ValidationError({"body": _("A comment has at most 10,000 characters.")})
    comment = Comment.objects.create(card=card, author=actor, body=body)
    return touch(card, team, actor, "card.commented", {"comment": comment.pk,
                                                         "mentions": mentioned_users(team, body)})
