"""The board over the API: columns, cards (list, detail, create, update with If-Match, move, archive), comments,
checklists and attachments. Reads as the board's selectors read; every write is the board service the page and
the socket call (teams/board/cards.py …), its refusals mapped to problems (a stale version: 412)."""
from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from teams.board import cards, checklists, comments
from teams.board.models import Attachment, Card, ChecklistItem, Column, Comment
from teams.board.selectors import cards_with_tile_data
from teams.models import StrategicGoal, Team
from teams.uploads import protected_file_response

from . import board_serializers as b
from .common import ApiView, Page, SignedIn, body_of, if_match_version, private_team
from .problems import Problem

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                            description="The card's ETag (its version), e.g. \"5\": a stale one gets 412.")


def _cards(team: Team):
    return cards_with_tile_data(Card.objects.filter(team=team, archived=False)).select_related("column")


def _card(team: Team, card_id: int) -> Card:
    card = _cards(team).filter(pk=card_id).first()
    if card is None:
        raise Problem("not_found", 404, _("No such card."))
    return card


def card_response(team: Team, card_id: int, created: bool = False) -> Response:
    """The card as it is now, its version as the ETag (what If-Match names next)."""
    card = _card(team, card_id)
    return Response(b.CardSerializer(card).data, headers={"ETag": f'"{card.version}"'},
                    status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _people(ids: list[int]) -> list[User]:
    people = list(User.objects.filter(pk__in=ids))
    if len(people) != len(set(ids)):
        raise Problem("invalid", 400, _("Unknown person."), {"assignees": [_("Unknown person.")]})
    return people


def _goals(codes: list[str]) -> list[StrategicGoal]:
    goals = list(StrategicGoal.objects.filter(code__in=codes))
    if len(goals) != len(set(codes)):
        raise Problem("invalid", 400, _("Unknown strategic goal."), {"goals": [_("Unknown strategic goal.")]})
    return goals


def card_fields(data: dict) -> dict:
    """The service's keyword arguments: people and goals as objects."""
    fields = dict(data)
    if "assignees" in fields:
        fields["assignees"] = _people(fields["assignees"])
    if "goals" in fields:
        fields["goals"] = _goals(fields["goals"])
    return fields


class Columns(ApiView, generics.ListAPIView):
    serializer_class = b.ColumnSerializer
    pagination_class = Page

    def get_queryset(self):
        team = private_team(self.request.user, self.kwargs["slug"])
        return Column.objects.filter(team=team, archived=False)


class Cards(ApiView, generics.ListAPIView):
    """The board's open cards with all their fields, in creation order (a column's order: `rank`)."""
    serializer_class = b.CardSerializer
    pagination_class = Page

    def get_queryset(self):
        return _cards(private_team(self.request.user, self.kwargs["slug"]))

    @extend_schema(request=b.CardCreateSerializer, responses={201: b.CardSerializer}, summary="Create a card")
    def post(self, request: SignedIn, slug: str) -> Response:
        team = private_team(request.user, slug)
        data = body_of(b.CardCreateSerializer, request)
        fields = card_fields(data)
        column = Column.objects.filter(pk=fields.pop("column"), team=team, archived=False).first()
        if column is None:
            raise Problem("invalid", 400, _("No such column."), {"column": [_("No such column.")]})
        event = cards.create_card(request.user, team, column=column, **fields)
        return card_response(team, event.data["card"], created=True)


class CardDetail(ApiView):
    @extend_schema(responses=b.CardSerializer, summary="A card (its ETag is its version)")
    def get(self, request: SignedIn, slug: str, card_id: int) -> Response:
        return card_response(private_team(request.user, slug), card_id)

    @extend_schema(request=b.CardWriteSerializer(partial=True), responses=b.CardSerializer, parameters=[IF_MATCH],
                   summary="Change some of a card's fields (If-Match: its version)")
    def patch(self, request: SignedIn, slug: str, card_id: int) -> Response:
        team = private_team(request.user, slug)
        card = _card(team, card_id)
        data = body_of(b.CardWriteSerializer, request, partial=True)
        cards.update_card(request.user, card, version=if_match_version(request), **card_fields(data))
        return card_response(team, card_id)


class Move(ApiView):
    @extend_schema(request=b.MoveSerializer, responses=b.CardSerializer, parameters=[IF_MATCH],
                   summary="Move a card to a column, below another card (If-Match: its version)")
    def post(self, request: SignedIn, slug: str, card_id: int) -> Response:
        team = private_team(request.user, slug)
        card = _card(team, card_id)
        data = body_of(b.MoveSerializer, request)
        version = if_match_version(request)
        column = Column.objects.filter(pk=data["column"], team=team, archived=False).first()
        after_id = data["after"]
        after = Card.objects.filter(pk=after_id, team=team, archived=False).first() if after_id else None
        if column is None or (after_id and after is None):
            raise Problem("invalid", 400, _("No such column or card."))
        cards.move_card(request.user, card, column=column, after=after, version=version)
        return card_response(team, card_id)


class Archive(ApiView):
    @extend_schema(request=None, responses={204: None}, parameters=[IF_MATCH],
                   summary="Archive a card (If-Match: its version)")
    def post(self, request: SignedIn, slug: str, card_id: int) -> Response:
        team = private_team(request.user, slug)
        card = _card(team, card_id)
        cards.archive_card(request.user, card, version=if_match_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class OnCard(ApiView):
    """Something hanging off one of the team's open cards."""

    def card(self) -> Card:
        return _card(private_team(self.request.user, self.kwargs["slug"]), self.kwargs["card_id"])


class CardPart(OnCard, generics.ListAPIView):
    """A list hanging off one of the team's open cards."""
    pagination_class = Page


class Comments(CardPart):
    serializer_class = b.CommentSerializer

    def get_queryset(self):
        return Comment.objects.filter(card=self.card()).select_related("author")

    @extend_schema(request=b.CommentWriteSerializer, responses={201: b.CommentSerializer}, summary="Comment")
    def post(self, request: SignedIn, slug: str, card_id: int) -> Response:
        card = self.card()
        data = body_of(b.CommentWriteSerializer, request)
        event = comments.add_comment(request.user, card, **data)
        comment = Comment.objects.select_related("author").get(pk=event.data["comment"])
        return Response(b.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class Checklist(CardPart):
    serializer_class = b.ChecklistItemSerializer

    def get_queryset(self):
        return ChecklistItem.objects.filter(card=self.card())

    @extend_schema(request=b.ChecklistWriteSerializer, responses={201: b.ChecklistItemSerializer},
                   summary="Add a checklist item")
    def post(self, request: SignedIn, slug: str, card_id: int) -> Response:
        card = self.card()
        data = body_of(b.ChecklistWriteSerializer, request)
        event = checklists.add_checklist_item(request.user, card, **data)
        item = ChecklistItem.objects.get(pk=event.data["item"])
        return Response(b.ChecklistItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ChecklistItemDetail(OnCard):
    def item(self) -> ChecklistItem:
        item = ChecklistItem.objects.filter(pk=self.kwargs["item_id"], card=self.card()).select_related(
            "card__team").first()
        if item is None:
            raise Problem("not_found", 404, _("No such checklist item."))
        return item

    @extend_schema(request=b.ChecklistSetSerializer, responses=b.ChecklistItemSerializer,
                   summary="Tick or untick a checklist item")
    def patch(self, request: SignedIn, slug: str, card_id: int, item_id: int) -> Response:
        item = self.item()
        data = body_of(b.ChecklistSetSerializer, request)
        checklists.set_checklist_item(request.user, item, **data)
        item.refresh_from_db()
        return Response(b.ChecklistItemSerializer(item).data)

    @extend_schema(request=None, responses={204: None}, summary="Remove a checklist item")
    def delete(self, request: SignedIn, slug: str, card_id: int, item_id: int) -> Response:
        checklists.remove_checklist_item(request.user, self.item())
        return Response(status=status.HTTP_204_NO_CONTENT)


class Attachments(CardPart):
    serializer_class = b.AttachmentSerializer

    def get_queryset(self):
        return Attachment.objects.filter(card=self.card()).select_related("card__team")


class AttachmentDownload(ApiView):
    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY},
                   summary="An attachment's file (served with the type checked when it came in)")
    def get(self, request: SignedIn, slug: str, card_id: int, attachment_id: int):
        card = _card(private_team(request.user, slug), card_id)
        attachment = Attachment.objects.filter(pk=attachment_id, card=card).first()
        if attachment is None:
            raise Problem("not_found", 404, _("No such attachment."))
        return protected_file_response(attachment.file, filename=attachment.name,
                                       content_type=attachment.content_type)


