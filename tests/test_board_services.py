"""The board's services: columns, cards, ranks, versions, permissions, attachments, events."""
import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from teams import services as team_services
from teams.board import ranks, selectors
from teams.board.attachments import MAX_ATTACHMENT_BYTES, add_attachment
from teams.board.cards import create_card, move_card, update_card
from teams.board.checklists import add_checklist_item, set_checklist_item
from teams.board.columns import archive_column, create_column, move_column, update_column
from teams.board.comments import add_comment
from teams.board.models import Attachment, Card, Column
from teams.models import Event, StrategicGoal
from tests.matrix import roles_that

pytestmark = pytest.mark.django_db


def columns(team):
    return list(Column.objects.filter(team=team, archived=False).order_by("rank", "id"))


def new_card(actor, team, column, title, **extra):
    event = create_card(actor, team, column=column, title=title, **extra)
    return Card.objects.get(pk=event.data["card"])


def order(column):
    return list(Card.objects.filter(column=column, archived=False).order_by("rank", "id")
                .values_list("title", flat=True))


# Ranks ---------------------------------------------------------------------------------------

def test_rank_between_is_strictly_between_for_random_insertions():
    keys, rng = [], random.Random(7)
    for _ in range(2000):
        position = rng.randint(0, len(keys))
        lo = keys[position - 1] if position else None
        hi = keys[position] if position < len(keys) else None
        key = ranks.between(lo, hi)
        assert (lo is None or lo < key) and (hi is None or key < hi)
        keys.insert(position, key)
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_spread_gives_sorted_distinct_keys():
    keys = ranks.spread(500)
    assert keys == sorted(keys) and len(set(keys)) == 500 and max(map(len, keys)) <= 3


def test_rank_between_refuses_reversed_bounds():
    with pytest.raises(ValueError):
        ranks.between("b", "a")


# Board set-up --------------------------------------------------------------------------------

def test_launch_creates_default_columns_in_the_launch_transaction(people, team):
    assert [c.name for c in columns(team)] == ["Backlog", "To do", "In progress", "Review", "Done"]
    assert [c.is_done for c in columns(team)] == [False, False, False, False, True]
    assert Event.objects.filter(team=team, kind="board.created").count() == 1


def test_proposed_team_gets_its_board_when_launched(people):
    from tests.conftest import team_data

    proposal = team_services.propose_team(people["lead"], **team_data(name="Later"))
    assert not Column.objects.filter(team=proposal).exists()
    team_services.launch_team(people["manager"], proposal)
    assert len(columns(proposal)) == 5


# Cards and moves -----------------------------------------------------------------------------

def test_move_writes_only_the_moved_card_and_keeps_order(people, team):
    backlog, todo, *_ = columns(team)
    a, b, c = (new_card(people["expert"], team, backlog, title) for title in "ABC")
    ranks_before = dict(Card.objects.values_list("pk", "rank"))
    event = move_card(people["expert"], c, column=backlog, after=a, version=c.version)
    assert order(backlog) == ["A", "C", "B"]
    changed = {pk for pk, rank in Card.objects.values_list("pk", "rank") if ranks_before[pk] != rank}
    assert changed == {c.pk}
    assert event.kind == "card.moved" and event.data["card"] == c.pk and event.data["after"] == a.pk
    b.refresh_from_db()
    move_card(people["lead"], b, column=todo, after=None, version=b.version)
    assert order(backlog) == ["A", "C"] and order(todo) == ["B"]
    b.refresh_from_db()
    assert b.version == 2


def test_stale_version_is_refused_and_nothing_is_written(people, team):
    backlog, todo, *_ = columns(team)
    card = new_card(people["expert"], team, backlog, "Task")
    move_card(people["lead"], card, column=todo, after=None, version=1)
    events_before = Event.objects.count()
    with pytest.raises(ValidationError) as error:
        move_card(people["expert"], card, column=backlog, after=None, version=1)
    assert error.value.code == "stale"
    card.refresh_from_db()
    assert card.column == todo and card.version == 2 and Event.objects.count() == events_before


def test_move_to_where_the_card_is_writes_nothing(people, team):
    backlog = columns(team)[0]
    a = new_card(people["expert"], team, backlog, "A")
    b = new_card(people["expert"], team, backlog, "B")
    assert move_card(people["expert"], b, column=backlog, after=a, version=1) is None
    b.refresh_from_db()
    assert b.version == 1


def test_many_moves_to_the_same_spot_rebalance_one_column_only(people, team):
    backlog, todo, *_ = columns(team)
    first = new_card(people["expert"], team, backlog, "first")
    new_card(people["expert"], team, backlog, "last")
    other = new_card(people["expert"], team, todo, "elsewhere")
    other_rank = other.rank
    # Always insert right below "first": the keys between "first" and the next card grow.
    for n in range(150):
        card = new_card(people["expert"], team, todo, f"c{n}")
        move_card(people["expert"], card, column=backlog, after=first, version=card.version)
    keys = list(Card.objects.filter(column=backlog).order_by("rank", "id").values_list("rank", flat=True))
    assert max(map(len, keys)) <= ranks.MAX_LENGTH
    assert order(backlog)[0] == "first" and order(backlog)[1] == "c149" and order(backlog)[-1] == "last"
    assert Event.objects.filter(team=team, kind="column.reranked").exists()
    other.refresh_from_db()
    assert other.rank == other_rank


def test_cards_of_another_team_are_not_found(people, team, make_team):
    other_team = make_team(name="Other team")
    foreign_column = columns(other_team)[0]
    card = new_card(people["expert"], team, columns(team)[0], "Mine")
    with pytest.raises(Column.DoesNotExist):
        move_card(people["expert"], card, column=foreign_column, after=None, version=1)
    foreign = new_card(people["expert"], other_team, foreign_column, "Theirs")
    with pytest.raises(Card.DoesNotExist):
        move_card(people["expert"], card, column=columns(team)[1], after=foreign, version=1)


def test_assignees_must_be_members_and_goals_the_teams_own(people, team):
    backlog = columns(team)[0]
    with pytest.raises(ValidationError):
        new_card(people["expert"], team, backlog, "x", assignees=[people["outsider"]])
    with pytest.raises(ValidationError):
        new_card(people["expert"], team, backlog, "x", assignees=[people["observer"]])
    with pytest.raises(ValidationError):
        new_card(people["expert"], team, backlog, "x", goals=[StrategicGoal.objects.get(code="7a")])
    card = new_card(people["expert"], team, backlog, "ok", assignees=[people["lead"]],
                    goals=[StrategicGoal.objects.get(code="3a")])
    event = update_card(people["expert"], card, version=1,
                                 assignees=[people["lead"], people["expert"]], labels=["legal", "Legal", "fhir"])
    assert set(event.data["assignees"]) == {people["lead"].pk, people["expert"].pk}
    assert event.data["added_assignees"] == [people["expert"].pk]
    assert sorted(label["name"] for label in event.data["label_info"]) == ["fhir", "legal"]
    assert event.data["version"] == 2 and set(event.data["changes"]) == {"assignees", "labels"}


def test_roles_who_may_change_cards_and_columns(people, team):
    backlog = columns(team)[0]
    for role in roles_that("contribute"):
        new_card(people[role], team, backlog, f"by {role}")
    for role in roles_that("contribute", allowed=False):
        with pytest.raises(PermissionDenied):
            new_card(people[role], team, backlog, f"by {role}")
    for role in roles_that("edit"):
        create_column(people[role], team, name=f"col {role}")
    for role in roles_that("edit", allowed=False):
        with pytest.raises(PermissionDenied):
            create_column(people[role], team, name="nope")
    assert not Column.objects.filter(name="nope").exists()


def test_concluded_or_expired_team_board_is_read_only(people, team, make_team):
    card = new_card(people["expert"], team, columns(team)[0], "Task")
    team_services.conclude_team(people["manager"], team)
    with pytest.raises(PermissionDenied):
        move_card(people["lead"], card, column=columns(team)[1], after=None, version=1)
    with pytest.raises(PermissionDenied):
        create_column(people["manager"], team, name="Late")
    expired = make_team(name="Expired")
    type(expired).objects.filter(pk=expired.pk).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    expired.refresh_from_db()
    with pytest.raises(PermissionDenied):
        new_card(people["lead"], expired, columns(expired)[0], "Too late")


def test_columns_rename_wip_reorder_archive(people, team):
    backlog, todo, progress, review, done = columns(team)
    update_column(people["supporter"], progress, name="Doing", wip_limit=1)
    new_card(people["expert"], team, progress, "one")
    event = create_card(people["expert"], team, column=progress, title="two")
    assert event.data["wip_exceeded"] is True
    move_column(people["lead"], done, after=None)
    assert [c.name for c in columns(team)] == ["Done", "Backlog", "To do", "Doing", "Review"]
    with pytest.raises(ValidationError):
        archive_column(people["lead"], Column.objects.get(pk=progress.pk))
    archive_column(people["lead"], review)
    assert "Review" not in [c.name for c in columns(team)]
    with pytest.raises(ValidationError):
        update_column(people["lead"], backlog, name="  ", wip_limit=None)


def test_checklist_comments_and_history(people, team):
    card = new_card(people["expert"], team, columns(team)[0], "Task")
    event = add_checklist_item(people["expert"], card, text="Step one")
    item = card.checklist.get(pk=event.data["item"])
    set_checklist_item(people["lead"], item, done=True)
    event = add_comment(people["lead"], card, body="Thanks @expert, and @nobody")
    assert event.data["mentions"] == [people["expert"].pk] and event.data["card"] == card.pk
    detail = selectors.card_detail(team, card.pk)
    assert detail.checklist_done == 1 and detail.checklist_total == 1 and detail.comment_count == 1
    history = selectors.card_history(team, card.pk)
    assert [e.kind for e in history] == ["card.commented", "card.checklist_changed", "card.checklist_changed",
                                         "card.created"]
    other = new_card(people["expert"], team, columns(team)[0], "Other")
    assert all(e.data["card"] == card.pk for e in history) and other.pk not in {e.data["card"] for e in history}


# Attachments ---------------------------------------------------------------------------------

@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_attachment_types_and_sizes(people, team, media):
    card = new_card(people["expert"], team, columns(team)[0], "Task")
    add_attachment(people["expert"], card, upload=SimpleUploadedFile("notes.txt", b"hello"))
    add_attachment(people["expert"], card, upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.7 ..."))
    refused = [
        SimpleUploadedFile("evil.html", b"<script>alert(1)</script>"),
        SimpleUploadedFile("fake.pdf", b"MZ this is an exe"),
        SimpleUploadedFile("empty.csv", b""),
        SimpleUploadedFile("big.txt", b"x" * (MAX_ATTACHMENT_BYTES + 1)),
    ]
    for upload in refused:
        with pytest.raises(ValidationError):
            add_attachment(people["expert"], card, upload=upload)
    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["notes.txt", "scan.pdf"]
    stored = [a.file.name for a in Attachment.objects.all()]
    assert all(name.startswith(f"board/{team.pk}/") and "notes" not in name for name in stored)
    assert len(list((media / "board" / str(team.pk)).iterdir())) == 2  # refused files left nothing behind
