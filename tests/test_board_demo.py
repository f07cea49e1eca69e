"""`make run`'s demo cluster has boards with realistic cards, made through the services."""
import pytest
from django.utils import timezone

from teams.board.models import Attachment, Card, ChecklistItem, Comment
from teams.demo import load_demo
from teams.models import Event, Membership, Team


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_demo_boards_are_full_of_realistic_cards(media):
    load_demo()
    for team in Team.objects.exclude(status=Team.Status.PROPOSED):
        cards = list(Card.objects.filter(team=team).select_related("column").prefetch_related("assignees", "goals"))
        assert len(cards) >= 8, team
        members = set(Membership.objects.filter(team=team).values_list("user_id", flat=True))
        goals = set(team.goals.values_list("pk", flat=True))
        for card in cards:
            assert card.assignees.all() and {u.pk for u in card.assignees.all()} <= members
            assert {g.pk for g in card.goals.all()} <= goals
        live = [card for card in cards if not card.archived]
        assert any(card.column.is_done for card in live) and any(not card.column.is_done for card in live)
        if team.status in (Team.Status.ACTIVE, Team.Status.EXTENDED):  # something for the field manager to chase
            assert any(not card.column.is_done and card.due_date and card.due_date < timezone.localdate()
                       for card in live)
        assert Event.objects.filter(team=team, kind="card.moved").exists()  # history, as it happened
    assert ChecklistItem.objects.filter(done=True).exists() and Comment.objects.exists()
    assert Attachment.objects.exists()
    assert not Card.objects.filter(team__status=Team.Status.PROPOSED).exists()
    before = Card.objects.count()
    load_demo()  # running it again adds nothing
    assert Card.objects.count() == before
