"""Every list of the API sends the same number of SQL statements for a page of 3 items as for a page of 40 (and
no more than its budget): each list grows by bulk inserts, and is fetched at both sizes."""
import pytest
from django.utils import timezone

from teams.board.models import Card, ChecklistItem, Comment
from teams.discussion.models import Message, Reaction
from teams.invitations.models import Invitation, expiry
from teams.models import Membership
from teams.notify.models import Notification
from teams.review.models import Output, ReviewNote
from tests.board_helpers import make_cards
from tests.conftest import make_user
from tests.discussion_helpers import general
from tests.queries import assert_constant, statements
from tests.test_team_queries import add_teams

pytestmark = pytest.mark.django_db

BUDGET = 14  # session, user, team, permission rows, the page and its prefetches


def grow(kind, team, people, start, count):
    """`count` more rows of the list `kind`; returns the list's URL."""
    lead, t = people["lead"], f"/api/v1/teams/{team.slug}/"
    now = timezone.now()
    card = Card.objects.filter(team=team).order_by("id").first() or make_cards(team, 1, lead)[0]
    if kind == "teams":
        add_teams(count, people["expert"], lead, start=start)
        return "/api/v1/teams/?limit=100"
    if kind == "cards":
        make_cards(team, count, lead)
        return t + "cards/?limit=100"
    if kind == "memberships":
        for n in range(count):
            Membership.objects.create(team=team, user=make_user(f"member{start + n}"), role="expert")
        return t + "memberships/?limit=100"
    if kind == "comments":
        Comment.objects.bulk_create(Comment(card=card, author=lead, body=f"c{n}") for n in range(count))
        return f"{t}cards/{card.pk}/comments/?limit=100"
    if kind == "checklist":
        ChecklistItem.objects.bulk_create(ChecklistItem(card=card, text=f"i{n}") for n in range(count))
        return f"{t}cards/{card.pk}/checklist/?limit=100"
    if kind == "messages":
        channel = general(team)
        made = Message.objects.bulk_create(Message(team=team, channel=channel, author=people[r], body="m")
                                           for n in range(count) for r in ["lead", "expert"][n % 2:n % 2 + 1])
        made = list(Message.objects.filter(channel=channel).order_by("-id")[:count])
        Reaction.objects.bulk_create(Reaction(message=m, user=lead, emoji="👍") for m in made)
        return f"{t}channels/{channel.pk}/messages/?limit=100"
    if kind == "outputs":
        Output.objects.bulk_create(Output(team=team, kind="concept", title=f"o{n}") for n in range(count))
        return t + "outputs/?limit=100"
    if kind == "review notes":
        ReviewNote.objects.bulk_create(ReviewNote(team=team, author=lead, body="n") for n in range(count))
        return t + "review-notes/?limit=100"
    if kind == "invitations":
        Invitation.objects.bulk_create(Invitation(team=team, email=f"p{start + n}@example.org", role="expert",
                                                  invited_by=lead, language="en", expires_at=expiry(now))
                                       for n in range(count))
        return t + "invitations/?limit=100"
    if kind == "notifications":
        Notification.objects.bulk_create(Notification(recipient=lead, kind="mention", team=team, data={})
                                         for n in range(count))
        return "/api/v1/notifications/?limit=100"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["teams", "cards", "memberships", "comments", "checklist", "messages", "outputs",
                                  "review notes", "invitations", "notifications"])
def test_lists_take_the_same_statements_at_any_size(client, people, team, kind):
    client.force_login(people["lead"])
    url = grow(kind, team, people, 0, 3)
    client.get(url)  # caches filled once per process (content types) are not the list's cost
    small_response, small = statements(lambda: client.get(url))
    assert small_response.status_code == 200, small_response.content[:300]
    grow(kind, team, people, 3, 37)
    large_response, large = statements(lambda: client.get(url))
    assert len(large_response.json()["results"]) >= 40
    assert_constant(len(small), len(large), BUDGET, f"{kind}: statements")
