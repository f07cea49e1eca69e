"""Every board endpoint, addressed with an archived card or column or another team's object: 404, never
500, and nothing written. The endpoints are walked from the URL configuration, so a new one is covered."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from teams.board import attachments, checklists, comments
from teams.board.attachments import add_attachment
from teams.board.cards import archive_card, create_card
from teams.board.checklists import add_checklist_item
from teams.board.columns import archive_column, create_column
from teams.board.models import Attachment, Card, ChecklistItem, Column
from teams.board.urls import urlpatterns
from teams.models import Event

pytestmark = pytest.mark.django_db

CARD_PARTS = {"card_id", "item_id", "attachment_id"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def card_with_parts(team, actor, title):
    """A card with a checklist item and an attachment; returns their ids by URL argument name."""
    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    card = Card.objects.get(pk=create_card(actor, team, column=column, title=title).data["card"])
    item = add_checklist_item(actor, card, text="Ask").data["item"]
    attachment = add_attachment(actor, card, upload=SimpleUploadedFile("a.txt", b"a")).data["attachment"]
    return {"card_id": card.pk, "item_id": item, "attachment_id": attachment}


def gone_objects(people, team, make_team):
    """Each kind of object that is not on this team's board."""
    lead = people["lead"]
    archived = card_with_parts(team, lead, "Archived")
    archive_card(lead, Card.objects.get(pk=archived["card_id"]))
    empty = create_column(lead, team, name="Empty").data["column"]
    archive_column(lead, Column.objects.get(pk=empty))
    other = make_team(name="Other")
    theirs = card_with_parts(other, lead, "Theirs")
    live = card_with_parts(team, lead, "Live")
    return [  # (what, the URL arguments, which of them name the missing object)
        ("archived card", archived, CARD_PARTS),
        ("archived column", {"column_id": empty}, {"column_id"}),
        ("another team's card", theirs, CARD_PARTS),
        ("another team's column", {"column_id": Column.objects.filter(team=other).first().pk}, {"column_id"}),
        ("another card's checklist item", {**live, "item_id": theirs["item_id"]}, {"item_id"}),
        ("another card's attachment", {**live, "attachment_id": theirs["attachment_id"]}, {"attachment_id"}),
    ]


def test_every_board_endpoint_answers_404_for_what_is_not_on_the_board(client, people, team, make_team, media):
    cases = gone_objects(people, team, make_team)
    client.force_login(people["lead"])
    checked = 0
    for pattern in urlpatterns:
        arguments = set(pattern.pattern.converters) - {"slug"}
        for what, ids, missing in cases:
            if not arguments & missing or not arguments <= set(ids):
                continue
            url = reverse(f"board:{pattern.name}", kwargs={"slug": team.slug, **{a: ids[a] for a in arguments}})
            events = Event.objects.count()
            files = Attachment.objects.count(), ChecklistItem.objects.count()
            for method in ("get", "post"):
                data = {"version": 1, "title": "x", "text": "x", "body": "x", "name": "x", "priority": "normal",
                        "file": SimpleUploadedFile("b.txt", b"b")} if method == "post" else {}
                status = getattr(client, method)(url, data).status_code
                assert status in (404, 405), f"{method.upper()} {pattern.name} with {what}: {status}"
            assert (Event.objects.count(), (Attachment.objects.count(), ChecklistItem.objects.count())) \
                == (events, files), f"{pattern.name} with {what} wrote something"
            checked += 1
    assert checked >= 15  # every card endpoint × card cases, the column endpoint × column cases


@pytest.mark.parametrize("service,url", [
    ("remove_checklist_item", "checklist/{item_id}/remove/"),
    ("remove_attachment", "attachments/{attachment_id}/remove/"),
    ("add_comment", "comments/"), ("add_checklist_item", "checklist/")])
def test_a_card_archived_while_the_request_runs_is_404(client, people, team, media, monkeypatch, service, url):
    """Someone archives the card between the view's lookup and the service's lock."""
    ids = card_with_parts(team, people["lead"], "Racing")
    module = {"remove_checklist_item": checklists, "add_checklist_item": checklists, "remove_attachment": attachments,
              "add_comment": comments}[service]
    real = getattr(module, service)

    def archived_first(actor, target, **kwargs):
        archive_card(people["expert"], Card.objects.get(pk=ids["card_id"]))
        return real(actor, target, **kwargs)
    monkeypatch.setattr(module, service, archived_first)
    client.force_login(people["lead"])
    response = client.post(f"/teams/{team.slug}/board/cards/{ids['card_id']}/" + url.format(**ids),
                           {"version": 2, "title": "x", "text": "x", "body": "x", "priority": "normal"})
    assert response.status_code == 404
    assert ChecklistItem.objects.filter(pk=ids["item_id"]).exists()
    assert Attachment.objects.filter(pk=ids["attachment_id"]).exists()
