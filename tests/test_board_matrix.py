"""Every role × every board action, through the services: allowed (and an event written) or
refused with PermissionDenied (and nothing written). Viewing is checked over HTTP."""
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from teams.board import services
from teams.board.models import Card, Column
from teams.models import Event
from tests.matrix import ROLES, may

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
        "create_card": lambda: services.create_card(user, team, column=columns[0], title="New"),
        "move_card": lambda: services.move_card(user, card, column=columns[2], after=None, version=card.version),
        "edit_card": lambda: services.update_card(user, card, version=card.version, title="Edited"),
        "archive_card": lambda: services.archive_card(user, card, version=card.version),
        "checklist": lambda: services.add_checklist_item(user, card, text="Step"),
        "comment": lambda: services.add_comment(user, card, body="Hi"),
        "attach": lambda: services.add_attachment(user, card, upload=SimpleUploadedFile("a.txt", b"text")),
        "create_column": lambda: services.create_column(user, team, name="Blocked"),
        "edit_column": lambda: services.update_column(user, columns[1], name="Next", wip_limit=3),
        "move_column": lambda: services.move_column(user, columns[4], after=None),
        "archive_column": lambda: services.archive_column(user, columns[3]),
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
    services.create_card(people["lead"], team, column=columns[0], title="Target")
    results = {}
    for action in ACTIONS:  # each on a fresh target card state (actions are independent)
        results[action] = perform(action, people[role], team, client, columns)
        Card.objects.filter(team=team, title="Edited").update(title="Target")
        Card.objects.filter(team=team, title="Target").update(archived=False)
    assert results == {action: may(role, needs) for action, needs in ACTIONS.items()}
