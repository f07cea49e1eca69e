"""Every role × every board action, through the services: allowed (and an event written) or
refused with PermissionDenied (and nothing written). Viewing is checked over HTTP."""
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from teams.board.attachments import add_attachment
from teams.board.cards import archive_card, create_card, move_card, restore_card, update_card
from teams.board.checklists import add_checklist_item
from teams.board.columns import archive_column, create_column, move_column, update_column
from teams.board.comments import add_comment
from teams.board.labels import create_label, delete_label, update_label
from teams.board.models import Card, Column, Label
from teams.models import Event, Team
from teams.permissions import READ_ONLY_MESSAGE, Action, can, can_change_board
from tests.matrix import BOARD_RULES, ROLES, board_rule, may

pytestmark = pytest.mark.django_db

# Each board action and the team action it takes (tests/matrix.py: who may): cards are contributions,
# columns are the team's structure.
ACTIONS = {"view": "view", "create_card": "contribute", "move_card": "contribute", "edit_card": "contribute",
           "archive_card": "contribute", "checklist": "contribute", "comment": "contribute", "attach": "contribute",
           "create_column": "edit", "edit_column": "edit", "move_column": "edit", "archive_column": "edit"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def perform(action, user, team, client, columns):
    card = Card.objects.get(team=team, title="Target")
    if action == "view":
        client.force_login(user)
        return client.get(f"/teams/{team.slug}/board/").status_code == 200
    calls = {
        "create_card": lambda: create_card(user, team, column=columns[0], title="New"),
        "move_card": lambda: move_card(user, card, column=columns[2], after=None, version=card.version),
        "edit_card": lambda: update_card(user, card, version=card.version, title="Edited"),
        "archive_card": lambda: archive_card(user, card, version=card.version),
        "checklist": lambda: add_checklist_item(user, card, text="Step"),
        "comment": lambda: add_comment(user, card, body="Hi"),
        "attach": lambda: add_attachment(user, card, upload=SimpleUploadedFile("a.txt", b"text")),
        "create_column": lambda: create_column(user, team, name="Blocked"),
        "edit_column": lambda: update_column(user, columns[1], name="Next", wip_limit=3),
        "move_column": lambda: move_column(user, columns[4], after=None),
        "archive_column": lambda: archive_column(user, columns[3]),
    }
    before = Event.objects.count()
    try:
        event = calls[action]()
    except PermissionDenied:
        assert Event.objects.count() == before, f"{action} refused but wrote an event"
        return False
    assert event is not None and Event.objects.count() > before
    return True


@pytest.mark.parametrize("role", ROLES)
def test_board_permissions_matrix(client, people, team, media, role):
    columns = list(Column.objects.filter(team=team).order_by("rank"))  # Backlog … Done, fixed for the test
    create_card(people["lead"], team, column=columns[0], title="Target")
    results = {}
    for action in ACTIONS:  # each on a fresh target card state (actions are independent)
        results[action] = perform(action, people[role], team, client, columns)
        Card.objects.filter(team=team, title="Edited").update(title="Target")
        Card.objects.filter(team=team, title="Target").update(archived=False)
    assert results == {action: may(role, needs) for action, needs in ACTIONS.items()}


@pytest.mark.parametrize("role", ROLES)
def test_board_rules_matrix(people, team, role):
    """tests/matrix.py BOARD_ALLOWED through the services (the socket's side: tests/test_board_cards_socket.py)."""
    user, columns = people[role], list(Column.objects.filter(team=team).order_by("rank"))
    card = Card.objects.get(pk=create_card(people["lead"], team, column=columns[0], title="Target").data["card"])
    gone = Card.objects.get(pk=create_card(people["lead"], team, column=columns[0], title="Gone").data["card"])
    archive_card(people["lead"], gone, version=1)
    label = Label.objects.create(team=team, name="Target", color="blue")
    calls = {
        "manage_labels": [lambda: create_label(user, team, name="Fresh", color="green"),
                          lambda: update_label(user, label, name="Renamed", color="red"),
                          lambda: delete_label(user, label)],
        "set_wip_enforcement": [lambda: update_column(user, columns[1], name=columns[1].name, wip_limit=2,
                                                      enforce_wip=True)],
        "edit_card_field": [lambda: update_card(user, card, version=1, due_date=None, description="Only this")],
        "undo": [lambda: restore_card(user, gone, version=2)],
    }
    for rule in BOARD_RULES:
        for call in calls[rule]:
            before = Event.objects.count()
            try:
                allowed = call() is not None and Event.objects.count() > before
            except PermissionDenied:
                allowed = False
                assert Event.objects.count() == before
            assert allowed == board_rule(role, rule), (role, rule)


def test_a_board_changes_only_while_its_team_runs(people, team):
    """EDIT is open while a proposal waits (team details, members); the board is not (teams.permissions)."""
    Team.objects.filter(pk=team.pk).update(status=Team.Status.PROPOSED)
    team.refresh_from_db()
    lead, column = people["lead"], Column.objects.filter(team=team).first()
    assert can(lead, Action.EDIT, team) and not can_change_board(lead, Action.EDIT, team)
    assert not can_change_board(people["manager"], Action.CONTRIBUTE, team)
    before = Event.objects.count()
    for call in (lambda: create_column(lead, team, name="Blocked"),
                 lambda: update_column(lead, column, name="Next"),
                 lambda: create_card(people["manager"], team, column=column, title="New")):
        with pytest.raises(PermissionDenied, match=str(READ_ONLY_MESSAGE)):
            call()
    assert Event.objects.count() == before
