"""The authorization matrix over the API (tests/matrix.py's table): every visitor × every endpoint, each with a
write-scope token of that person. Allowed: the answer the endpoint gives; refused: 401 signed out, 403 for whoever
may see the team but not do this, 404 for whoever may not see it; and no refusal, nor any page an outsider may
read, carries the team's private content (0 leaks)."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from teams import services
from teams.board import attachments, cards, comments
from teams.board.models import Column
from teams.discussion.posting import post_message
from teams.invitations import services as invitations
from teams.models import Membership
from teams.review.meetings import add_review_note
from tests.api_helpers import call, token_for
from tests.conftest import team_data
from tests.discussion_helpers import general
from tests.matrix import VISITORS, may

pytestmark = pytest.mark.django_db

SECRETS = ["SECRET-CARD", "SECRET-MESSAGE", "SECRET-COMMENT", "secret.person@example.org", "SECRET-NOTE",
           "SECRET-FILE"]
CREATES = {"create card", "comment", "checklist item", "post", "invite"}  # 201; every other success is 200


@pytest.fixture
def world(people, team, settings, tmp_path):
    """The team's private content, and a proposed team for `launch`."""
    settings.MEDIA_ROOT = tmp_path
    lead = people["lead"]
    todo, done = Column.objects.filter(team=team).order_by("rank")[:2]
    card = cards.create_card(lead, team, column=todo, title="SECRET-CARD", labels=["legal"]).data["card"]
    card_obj = team.cards.get(pk=card)
    comments.add_comment(lead, card_obj, body="SECRET-COMMENT")
    file = attachments.add_attachment(lead, card_obj, upload=SimpleUploadedFile("plan.txt", b"SECRET-FILE"))
    channel = general(team)
    message = post_message(lead, team, channel=channel, body="SECRET-MESSAGE")
    invitation = invitations.invite(lead, team, emails=["secret.person@example.org"], role="expert").invitations[0]
    add_review_note(people["advisor"], team, body="SECRET-NOTE")
    proposed = services.propose_team(lead, **team_data(name="Proposal"))
    return {"card": card, "done": done.pk, "channel": channel.pk, "message": message.pk,
            "invitation": invitation.pk, "proposed": proposed.slug, "attachment": file.data["attachment"]}


def requests(team, world, own_message):
    """(name, method, path, body, what it needs, If-Match?) in an order that leaves each next one possible."""
    t = f"/api/v1/teams/{team.slug}/"
    card = f"{t}cards/{world['card']}/"
    end = (timezone.localdate() + datetime.timedelta(days=300)).isoformat()
    return [
        ("masterplan", "GET", "/api/v1/masterplan/", None, "signed_in"),
        ("teams", "GET", "/api/v1/teams/?goal=3a", None, "signed_in"),
        ("team", "GET", t, None, "signed_in"),
        ("progress rollups", "GET", "/api/v1/progress/", None, "signed_in"),
        ("notifications", "GET", "/api/v1/notifications/", None, "signed_in"),
        ("search", "GET", "/api/v1/search/?q=SECRET", None, "signed_in"),
        ("memberships", "GET", t + "memberships/", None, "view"),
        ("columns", "GET", t + "columns/", None, "view"),
        ("cards", "GET", t + "cards/", None, "view"),
        ("card", "GET", card, None, "view"),
        ("comments", "GET", card + "comments/", None, "view"),
        ("checklist", "GET", card + "checklist/", None, "view"),
        ("attachments", "GET", card + "attachments/", None, "view"),
        ("download", "GET", f"{card}attachments/{world['attachment']}/download/", None, "view"),
        ("channels", "GET", t + "channels/", None, "view"),
        ("messages", "GET", f"{t}channels/{world['channel']}/messages/", None, "view"),
        ("message", "GET", f"{t}messages/{world['message']}/", None, "view"),
        ("outputs", "GET", t + "outputs/", None, "view"),
        ("review notes", "GET", t + "review-notes/", None, "view"),
        ("team progress", "GET", t + "progress/", None, "view"),
        ("create card", "POST", t + "cards/", {"title": "New", "column": world["done"]}, "contribute"),
        ("update card", "PATCH", card, {"priority": "high"}, "contribute"),
        ("comment", "POST", card + "comments/", {"body": "Fine"}, "contribute"),
        ("checklist item", "POST", card + "checklist/", {"text": "Step"}, "contribute"),
        ("post", "POST", f"{t}channels/{world['channel']}/messages/", {"body": "Hi"}, "contribute"),
        ("edit", "PATCH", f"{t}messages/{own_message or world['message']}/", {"body": "Edited"},
         "contribute" if own_message else "own message"),
        ("react", "POST", f"{t}messages/{world['message']}/reactions/", {"emoji": "👍"}, "contribute"),
        ("move card", "POST", card + "move/", {"column": world["done"]}, "contribute"),
        ("invitations", "GET", t + "invitations/", None, "invite"),
        ("invite", "POST", t + "invitations/", {"emails": ["new@example.org"], "role": "expert"}, "invite"),
        ("withdraw", "DELETE", f"{t}invitations/{world['invitation']}/", None, "invite"),
        ("launch", "POST", f"/api/v1/teams/{world['proposed']}/launch/", {}, "launch"),
        ("extend", "POST", t + "extend/", {"end_date": end}, "extend"),
        ("conclude", "POST", t + "conclude/", None, "conclude"),
    ]


def expected(role, name, needs):
    if role == "anonymous":
        return 401
    if needs == "signed_in":
        return 200
    if needs == "own message":  # someone else's message: only its author edits it
        return 403 if may(role, "view") else 404
    if needs in ("launch", "extend", "conclude"):  # a team's public card: the action is refused, not hidden
        return 200 if may(role, needs) else 403
    if may(role, needs):
        return 201 if name in CREATES else 200
    return 403 if may(role, "view") else 404


@pytest.mark.parametrize("role", VISITORS)
def test_every_endpoint_for_every_role(client, people, team, world, role):
    token = None if role == "anonymous" else token_for(people[role])
    own = None
    if role != "anonymous" and may(role, "contribute"):
        own = post_message(people[role], team, channel=world["channel"], body="mine").pk
    wrong = []
    for name, method, path, body, needs in requests(team, world, own):
        headers = {}
        if name in ("update card", "move card"):
            version = team.cards.get(pk=world["card"]).version
            headers["HTTP_IF_MATCH"] = f'"{version}"'
        response = call(client, method, path, token, body, **headers)
        want = expected(role, name, needs)
        if response.status_code != want:
            wrong.append(f"{name}: {response.status_code} (expected {want}) {response.content[:200]!r}")
        text = response.getvalue().decode(errors="replace") if response.status_code >= 400 or not may(
            role, "view") else ""
        leaked = [secret for secret in SECRETS if secret in text]
        if leaked:
            wrong.append(f"{name}: {response.status_code} leaks {leaked}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_a_member_finds_what_an_outsider_does_not(client, people, team, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_message(people["lead"], team, channel=world["channel"], body="SECRET-SEARCHABLE pilot")
    member = call(client, "get", "/api/v1/search/?q=SECRET-SEARCHABLE", token_for(people["expert"])).json()
    assert member["total"] >= 1 and "SECRET" in str(member["hits"])
    outsider = call(client, "get", "/api/v1/search/?q=SECRET-SEARCHABLE", token_for(people["outsider"])).json()
    assert outsider["total"] == 0 and outsider["hits"] == []
    rollups = call(client, "get", "/api/v1/progress/", token_for(people["outsider"])).json()
    assert all(goal["team_count"] == 0 for goal in rollups["goals"])
    assert Membership.objects.filter(user=people["outsider"]).count() == 0
