"""`make run`'s demo cluster has boards with realistic cards, made through the services."""
import pytest

from teams.board.models import Attachment, Card, ChecklistItem, Comment
from teams.board.selectors import progress
from teams.demo import load_demo
from teams.models import Event, Membership, Team


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_demo_boards_are_full_of_realistic_cards(media):
    load_demo()
    for team in Team.objects.exclude(status=Team.Status.PROPOSED):
        cards = list(Card.objects.filter(team=team).prefetch_related("assignees", "goals"))
        assert len(cards) >= 8, team
        members = set(Membership.objects.filter(team=team).values_list("user_id", flat=True))
        goals = set(team.goals.values_list("pk", flat=True))
        for card in cards:
            assert card.assignees.all() and {u.pk for u in card.assignees.all()} <= members
            assert {g.pk for g in card.goals.all()} <= goals
        counts = progress(team)
        assert counts["done"] >= 1 and counts["open"] >= 1
        if team.status in (Team.Status.ACTIVE, Team.Status.EXTENDED):
            assert counts["overdue"] >= 1  # something for the field-of-action manager to chase
        assert Event.objects.filter(team=team, kind="card.moved").exists()  # history, as it happened
    assert ChecklistItem.objects.filter(done=True).exists() and Comment.objects.exists()
    assert Attachment.objects.exists()
    assert not Card.objects.filter(team__status=Team.Status.PROPOSED).exists()
    before = Card.objects.count()
    load_demo()  # running it again adds nothing
    assert Card.objects.count() == before
