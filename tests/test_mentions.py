"""One mention parser for chat messages and card comments: the same text mentions the same people in both."""
import pytest

from teams import membership as membership_services
from teams.board.cards import create_card
from teams.board.comments import add_comment
from teams.board.models import Card, Column
from teams.discussion.posting import post_message
from teams.models import Membership
from tests.conftest import make_user
from tests.discussion_helpers import general

pytestmark = pytest.mark.django_db

CASES = [
    ("Thanks @felix.", ["felix"]),
    ("@felix, can you look?", ["felix"]),
    ("(@felix) knows", ["felix"]),
    ("Ask @felix! Or @felix? Or @felix: now; @felix-", ["felix"]),
    ("Frag @jürgen.müller.", ["jürgen.müller"]),
    ("Frag @Jürgen.Müller…", ["jürgen.müller"]),
    ("@özlem und @felix...", ["özlem", "felix"]),
    ("Mail felix@example.org or jürgen.müller@example.org.", []),
    ("See https://example.org/@felix and `@felix` and @felixx", []),
    ("```\n@özlem\n```", []),
]


@pytest.fixture
def members(people, team):
    users = {name: make_user(name) for name in ("felix", "jürgen.müller", "özlem")}
    for user in users.values():
        membership_services.enrol_member(people["manager"], team, user=user, role=Membership.Role.EXPERT)
    return users


def chat_mentions(team, actor, body):
    message = post_message(actor, team, channel=general(team), body=body)
    return message.mentions, message.html


def comment_mentions(team, actor, body):
    column = Column.objects.filter(team=team).order_by("rank").first()
    card = Card.objects.get(pk=create_card(actor, team, column=column, title="T").data["card"])
    return add_comment(actor, card, body=body).data["mentions"], None


@pytest.mark.parametrize("where", [chat_mentions, comment_mentions], ids=["chat", "board comment"])
@pytest.mark.parametrize("body,names", CASES)
def test_the_same_text_mentions_the_same_people_in_chat_and_comments(people, team, members, where, body, names):
    ids, html = where(team, people["lead"], body)
    assert sorted(ids) == sorted(members[name].pk for name in names)
    if html is not None:  # chat marks them, without the punctuation that ends the sentence
        assert all(f'mention">@{name}</span>' in html.lower() for name in names)
        assert ('class="mention"' in html) == bool(names)

def test_a_username_that_really_ends_with_a_dot_is_mentioned_whole(people, team):
    dotted = make_user("max.")
    plain = make_user("max")
    for user in (dotted, plain):
        membership_services.enrol_member(people["manager"], team, user=user, role=Membership.Role.EXPERT)
    ids, _html = chat_mentions(team, people["lead"], "@max. and @max")
    assert sorted(ids) == sorted([dotted.pk, plain.pk])
