"""Every read of the board, in a fixed number of SQL queries whatever the board's size.

board():  columns 1 + cards 1 (counts as subqueries) + assignees 1 + labels 1 + goals 1 (each one
          query over the team's cards, grouped in Python) + the team's labels 1 + assignable members 1
          = 7, at 10 cards as at 5,000.
card_detail(): card 1 + 3 relations + checklist 1 + comments 1 + attachments 1 + history 1.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, TypedDict, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone

from teams.models import Event, Membership, StrategicGoal, Team

from .models import Attachment, Card, ChecklistItem, Column, Comment, Label


class TileCounts(TypedDict):
    """What `cards_with_tile_data` (and `board`) annotate on each card."""
    checklist_total: int
    checklist_done: int
    comment_count: int
    attachment_count: int


class Detail(TileCounts):
    """… and what `card_detail` sets: a card dialog's card."""
    overdue: bool


class Tile(Detail):
    """… and what `board` works out for a tile from the card's relations, without further queries."""
    label_list: list[Label]
    goal_list: list[StrategicGoal]
    people: list[tuple[str, str]]  # (name, initials)
    assignee_ids: str
    label_ids: str
    goal_ids: str
    due_iso: str


class Tiles(TypedDict):
    """What `board` sets on each column."""
    tiles: "list[CardTile]"
    card_count: int
    over_limit: bool


if TYPE_CHECKING:  # django-stubs-ext is a lint dependency, not a runtime one
    from django_stubs_ext import WithAnnotations
    CardCounts = WithAnnotations[Card, TileCounts]
    CardDetail = WithAnnotations[Card, Detail]
    CardTile = WithAnnotations[Card, Tile]
    ColumnTiles = WithAnnotations[Column, Tiles]


def _count(model: type[ChecklistItem | Comment | Attachment], **filters) -> Coalesce:
    query = (model.objects.filter(card=OuterRef("pk"), **filters).order_by().values("card")
             .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(query, output_field=IntegerField()), 0)


def cards_with_tile_data(queryset: QuerySet[Card]) -> "QuerySet[CardCounts]":
    User = get_user_model()
    return (
        queryset.annotate(
            checklist_total=_count(ChecklistItem), checklist_done=_count(ChecklistItem, done=True),
            comment_count=_count(Comment), attachment_count=_count(Attachment))
        .prefetch_related(
            Prefetch("assignees", queryset=User.objects.order_by("last_name", "first_name")),
            "labels", "goals")
    )


@dataclass
class BoardFilter:
    mine: bool = False
    overdue: bool = False
    label: int | None = None
    goal: int | None = None
    assignee: int | None = None

    @classmethod
    def from_query(cls, params: QueryDict) -> "BoardFilter":
        def number(name):
            try:
                return int(params.get(name)) if params.get(name) else None
            except (TypeError, ValueError):
                return None
        return cls(mine=params.get("mine") == "1", overdue=params.get("overdue") == "1",
                   label=number("label"), goal=number("goal"), assignee=number("assignee"))

    @property
    def active(self) -> bool:
        return any((self.mine, self.overdue, self.label, self.goal, self.assignee))

    def apply(self, queryset: QuerySet[Card], user: User) -> QuerySet[Card]:
        if self.mine:
            queryset = queryset.filter(assignees=user)
        if self.assignee:
            queryset = queryset.filter(assignees__pk=self.assignee)
        if self.overdue:
            queryset = queryset.filter(due_date__lt=timezone.localdate(), column__is_done=False)
        if self.label:
            queryset = queryset.filter(labels__pk=self.label)
        if self.goal:
            queryset = queryset.filter(goals__pk=self.goal)
        return queryset.distinct() if (self.mine or self.assignee or self.label or self.goal) else queryset


class Person(NamedTuple):
    """An assignable person as the board shows them: light to read, to cache and to pickle."""
    pk: int
    username: str
    first_name: str
    last_name: str

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Board:
    columns: "list[ColumnTiles]"
    labels: list[Label]
    members: list[Person]  # assignable people
    card_count: int = 0
    filter: BoardFilter = field(default_factory=BoardFilter)


def initials(user: "User | Person") -> str:
    """The two letters on a person's avatar (board tiles, the board's people list)."""
    return ((user.first_name or user.username)[:1] + (user.last_name or "")[:1]).upper()


def _related_by_card(links: QuerySet, related_name: str, team: Team, order_by: tuple[str, ...],
                     model: type, fields: tuple[str, ...]) -> dict[int, list]:
    """{card id: [related objects]} for the team's open cards, in one query (no per-card querysets).

    `links`: a many-to-many through table of Card (each row has card_id and `related_name`). Rows are read as
    tuples and each related object is built once with only `fields` (a board of 500 cards links a few dozen
    people, labels and goals: building a model per link row was half of the page's time).
    """
    by_card: dict[int, list] = defaultdict(list)
    built: dict[int, object] = {}
    rows = (links.filter(card__team=team, card__archived=False).order_by(*order_by)
            .values_list("card_id", *(f"{related_name}__{name}" for name in ("pk", *fields))))
    for card_id, pk, *values in rows:
        related = built.get(pk)
        if related is None:
            related = built[pk] = model(pk=pk, **dict(zip(fields, values)))
        by_card[card_id].append(related)
    return by_card


def board(team: Team, user: User, board_filter: BoardFilter | None = None) -> Board:
    """Columns with their cards, and what each tile shows, precomputed for a fast render."""
    board_filter = board_filter or BoardFilter()
    # Each column and card gains the Tiles and Tile fields below.
    columns = cast("list[ColumnTiles]", list(Column.objects.filter(team=team, archived=False).order_by("rank", "id")))
    cards = (board_filter.apply(Card.objects.filter(team=team, archived=False), user)
             .annotate(checklist_total=_count(ChecklistItem), checklist_done=_count(ChecklistItem, done=True),
                       comment_count=_count(Comment), attachment_count=_count(Attachment))
             .order_by("rank", "id"))
    assignees = _related_by_card(Card.assignees.through.objects.all(), "user", team,
                                 ("user__last_name", "user__first_name"), get_user_model(),
                                 ("username", "first_name", "last_name"))
    labels = _related_by_card(Card.labels.through.objects.all(), "label", team, ("label__name",), Label,
                              ("name", "color"))
    goals = _related_by_card(Card.goals.through.objects.all(), "strategicgoal", team, ("strategicgoal__code",),
                             StrategicGoal, ("code",))
    by_column = {column.pk: column for column in columns}
    for column in columns:
        column.tiles = []
    count = 0
    today = timezone.localdate()
    for card in cast("QuerySet[CardTile]", cards):
        tile_column = by_column.get(card.column_id)
        if tile_column is None:
            continue
        card.column = tile_column  # no query for card.column
        card.overdue = bool(card.due_date and card.due_date < today and not tile_column.is_done)
        people, card.label_list, card.goal_list = assignees[card.pk], labels[card.pk], goals[card.pk]
        card.people = [(person.get_full_name() or person.username, initials(person)) for person in people]
        card.assignee_ids = ",".join(str(person.pk) for person in people)
        card.label_ids = ",".join(str(label.pk) for label in card.label_list)
        card.goal_ids = ",".join(str(goal.pk) for goal in card.goal_list)
        card.due_iso = card.due_date.isoformat() if card.due_date else ""
        tile_column.tiles.append(card)
        count += 1
    for column in columns:
        column.card_count = len(column.tiles)
        column.over_limit = bool(column.wip_limit and column.card_count > column.wip_limit)
    team_labels = list(Label.objects.filter(team=team).order_by("name"))
    members = [Person(*row) for row in Membership.objects.filter(team=team, state=Membership.State.ACTIVE)
               .exclude(role=Membership.Role.OBSERVER).order_by("user__last_name", "user__first_name")
               .values_list("user_id", "user__username", "user__first_name", "user__last_name")]
    return Board(columns=columns, labels=team_labels, members=members, card_count=count, filter=board_filter)


def card_detail(team: Team, card_id: int) -> "CardDetail":
    """The card with everything shown in its dialog; raises Card.DoesNotExist for another team's card."""
    found = (cards_with_tile_data(Card.objects.filter(team=team, archived=False))
             .select_related("column", "created_by")
             .prefetch_related(
                 Prefetch("checklist", queryset=ChecklistItem.objects.order_by("position", "id")),
                 Prefetch("comments", queryset=Comment.objects.select_related("author").order_by("created_at", "id")),
                 Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")))
             .get(pk=card_id))
    card = cast("CardDetail", found)  # gains overdue
    card.overdue = card.is_overdue
    return card


def card_history(team: Team, card_id: int, *, limit: int = 100) -> list[Event]:
    """Who changed what: the team's events about this card, newest first (a private channel's: not here)."""
    return list(Event.objects.filter(team=team, data__card=card_id, private_channel=None).select_related("actor")
                .order_by("-seq")[:limit])


def team_goals(team: Team) -> list[StrategicGoal]:
    return list(team.goals.all())

