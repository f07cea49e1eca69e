"""Keeping the index current: in the transaction of every change, from the events that change searchable things.

`index_events(events, team)` is a consumer of recorded events (teams.events.on_recorded, registered in apps.py):
every service that records an event gets its documents written, replaced or removed in the same transaction,
so a message posted, edited or deleted is found (or no longer found) the moment the change is committed.
Messages are indexed from what their events carry (no read on the chat's hot path: one INSERT for a batch);
other kinds are read once per batch and kind. People are not team events: their logins and profiles are
written by Django's auth and the admin, so signals.py calls `index_people`.

Like the notifications, indexing runs in a savepoint and never raises: a fault is logged (and repaired by
`manage.py rebuild_search_index`), and never undoes the change it indexes.
"""
import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Model, Prefetch, Q, QuerySet

from teams import fragments
from teams.board.models import Card, ChecklistItem, Comment
from teams.models import Event, Team
from teams.people.models import Expertise
from teams.review.models import ClosingReport, Output, ReviewMeeting, ReviewNote

from . import documents
from .models import Document, Kind

log = logging.getLogger(__name__)

# event kind → the kind of document it (re)writes and the event field naming the object
REREAD = {
    "team.proposed": (Kind.TEAM, "team.id"), "team.launched": (Kind.TEAM, "team.id"),
    "team.updated": (Kind.TEAM, "team.id"),
    "card.created": (Kind.CARD, "card"), "card.updated": (Kind.CARD, "card"),
    "card.restored": (Kind.CARD, "card"),
    "card.checklist_changed": (Kind.CARD, "card"), "card.commented": (Kind.COMMENT, "comment"),
    "output.added": (Kind.OUTPUT, "output"), "output.updated": (Kind.OUTPUT, "output"),
    "closing_report.written": (Kind.REPORT, "report"), "review_note.added": (Kind.NOTE, "note"),
    "review_meeting.scheduled": (Kind.MEETING, "meeting"), "review_meeting.minutes": (Kind.MEETING, "meeting"),
}
MESSAGE_WRITES = {"message.posted", "message.edited"}


def _field(data: object, path: str) -> int | None:
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data if type(data) is int else None


def _message(team_id: int, data: dict) -> Document | None:
    """The message's document from its event, if the event carries the message (as message_data writes it)."""
    message, channel, body, created_at = (data.get(key) for key in ("message", "channel", "body", "created_at"))
    if not (type(message) is int and type(channel) is int and isinstance(body, str) and isinstance(created_at, str)):
        return None
    thread, author = _field(data, "thread"), _field(data, "author")
    return documents.message_document(team_id, message=message, channel=channel, thread=thread, author=author,
                                      body=body, created_at=datetime.datetime.fromisoformat(created_at))


def _plan(events: list[Event]) -> tuple[list[Document], dict[str, set[int]], list[Q]]:
    """What a batch of events asks of the index: documents from the events themselves, objects to read
    (kind → ids) and documents to remove. Reads nothing."""
    written: list[Document] = []
    reread: dict[str, set[int]] = defaultdict(set)
    removed: list[Q] = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        if event.kind in MESSAGE_WRITES and (document := _message(event.team_id, data)) is not None:
            written.append(document)
        elif event.kind == "message.deleted" and (message := _field(data, "message")):
            removed.append(Q(kind=Kind.MESSAGE, object_id=message))
        elif event.kind == "card.archived" and (card := _field(data, "card")):
            removed.append(Q(kind=Kind.CARD, object_id=card) | Q(kind=Kind.COMMENT, parent_id=card))
        elif event.kind in REREAD and (object_id := _field(data, REREAD[event.kind][1])):
            reread[REREAD[event.kind][0]].add(object_id)
    return written, reread, removed


def index_events(events: list[Event], team: Team) -> None:
    """The on_recorded consumer: the batch's documents written or removed, in one savepoint (none if the
    events change nothing searchable, as most do not)."""
    try:
        written, reread, removed = _plan(events)
    except Exception:  # an event unlike what its service writes: nothing to index, and never a failed change
        log.exception("could not read %s for the search index", events)
        return
    if written or reread or removed:
        _guarded(lambda: _apply(written, reread, removed), events)


def _guarded(work: Callable[[], None], what: object) -> None:
    try:
        with transaction.atomic():  # a savepoint: a fault rolls back only the index's writes
            work()
    except Exception:
        log.exception("could not update the search index for %s", what)


def _apply(written: list[Document], reread: dict[str, set[int]], removed: list[Q]) -> None:
    for kind, ids in reread.items():
        written.extend(READERS[kind](MODELS[kind]._default_manager.filter(pk__in=ids)))
    store(written)
    if removed:
        condition = Q()
        for each in removed:
            condition |= each
        Document.objects.filter(condition).delete()


STORE_BATCH = 500
COLUMNS = ["kind", "object_id", "team_id", "audience", "channel_id", "parent_id", "author_id", "created_at", "title",
           "body"]


def store(written: list[Document]) -> None:
    """Insert or replace documents: one statement (the engine's structure follows in it). Written as SQL, not
    with bulk_create: on the chat's hot path Django's per-field preparation of the upsert cost more than the
    database's tsvectors."""
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(Document._meta.db_table)
    row = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    updates = ", ".join(f"{column} = excluded.{column}" for column in COLUMNS[2:])
    with connection.cursor() as cursor:
        for start in range(0, len(written), STORE_BATCH):  # within every database's limit of parameters
            batch = written[start:start + STORE_BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES {', '.join([row] * len(batch))} "
                f"ON CONFLICT (kind, object_id) DO UPDATE SET {updates}",
                [value for document in batch for value in (
                    document.kind, document.object_id, document.team_id, document.audience, document.channel_id,
                    document.parent_id, document.author_id, adapt(document.created_at), document.title,
                    document.body)])


# Reading the objects of each kind, for many at once (also the rebuild's readers) ---------------------

def _grouped(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def card_documents(cards: QuerySet[Card]) -> list[Document]:
    """Live cards (an archived card is not found: its page is gone) with their checklists and labels."""
    found = list(cards.filter(archived=False))
    ids = [card.pk for card in found]
    checklists = _grouped(ChecklistItem.objects.filter(card_id__in=ids).order_by("card_id", "position", "id")
                          .values_list("card_id", "text"))
    labels = _grouped(Card.labels.through.objects.filter(card_id__in=ids).values_list("card_id", "label__name"))
    return [documents.card_document(card, checklists[card.pk], labels[card.pk]) for card in found]


def comment_documents(comments: QuerySet[Comment]) -> list[Document]:
    return [documents.comment_document(comment, comment.card.team_id)
            for comment in comments.filter(card__archived=False).select_related("card")]


def meeting_documents(meetings: QuerySet[ReviewMeeting]) -> list[Document]:
    return [documents.meeting_document(meeting) for meeting in meetings]


READERS: dict[str, Callable[[QuerySet], list[Document]]] = {
    Kind.TEAM: lambda teams: [documents.team_document(team) for team in teams],
    Kind.CARD: card_documents,
    Kind.COMMENT: comment_documents,
    Kind.OUTPUT: lambda outputs: [documents.output_document(output) for output in outputs],
    Kind.REPORT: lambda reports: [documents.report_document(report) for report in reports],
    Kind.NOTE: lambda notes: [documents.note_document(note) for note in notes],
    Kind.MEETING: meeting_documents,
}
MODELS: dict[str, type[Model]] = {
    Kind.TEAM: Team, Kind.CARD: Card, Kind.COMMENT: Comment, Kind.OUTPUT: Output, Kind.REPORT: ClosingReport,
    Kind.NOTE: ReviewNote, Kind.MEETING: ReviewMeeting}


# People ------------------------------------------------------------------------------------------

def _organisation(user) -> str | None:
    profile = getattr(user, "profile", None)  # a person without a profile (an admin) has none
    return profile.organisation.name if profile is not None and profile.organisation is not None else None


def _keywords(user) -> list[str]:
    profile = getattr(user, "profile", None)
    return [expertise.keyword.label for expertise in profile.expertise.all()] if profile is not None else []


def people_documents(users: QuerySet) -> list[Document]:
    """Active people with their organisation and expertise keywords (the one place to read more of what people
    are found by)."""
    return [documents.person_document(user, _organisation(user), _keywords(user))
            for user in users.filter(is_active=True).select_related("profile__organisation")
            .prefetch_related(Prefetch("profile__expertise", Expertise.objects.select_related("keyword")))]


# The people whose indexing waits for the end of a `people_indexed_once` block (None: outside one).
_waiting: ContextVar[set[int] | None] = ContextVar("people_waiting_for_the_index", default=None)


def index_people(user_ids: Iterable[int]) -> None:
    """(Re)index these people: the active ones written, the others removed."""
    ids = set(user_ids)
    if (waiting := _waiting.get()) is not None:
        waiting.update(ids)
    elif ids:
        _guarded(lambda: _index_people(ids), f"people {sorted(ids)}")
        fragments.renew_all()  # people are not team events: cached search pages must not keep the old names


@contextmanager
def people_indexed_once() -> Iterator[None]:
    """People saved in the block are indexed once, as they are at its end: a new person is saved as a login, then
    as a profile (then keywords), and each save would index them again. Use it inside the transaction; a block
    that raises indexes nothing (its transaction is rolled back)."""
    if _waiting.get() is not None:  # nested: the outermost block indexes
        yield
        return
    waiting: set[int] = set()
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    index_people(waiting)


def _index_people(ids: set[int]) -> None:
    written = people_documents(get_user_model().objects.filter(pk__in=ids))
    store(written)
    Document.objects.filter(kind=Kind.PERSON, object_id__in=ids - {document.object_id for document in written}
                            ).delete()
