"""Rebuilding the whole index from the rows it describes: `manage.py rebuild_search_index`.

Repairs whatever went wrong (a document missing, stale or left over, an engine structure out of step): every
document is removed and written again by the same builders the write path uses (documents.py, indexing.py),
in batches, in one transaction: a failed rebuild leaves the old index. Searches and writes that touch the index
wait for it meanwhile (on PostgreSQL the GIN index is dropped and built once at the end, several times faster
than growing it row by row; docs/benchmarks.md has the time at 130,000 documents).
"""
from collections.abc import Callable, Iterator

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import QuerySet

from teams import fragments
from teams.board.models import Card, Comment
from teams.discussion.models import Message
from teams.models import Team
from teams.review.models import ClosingReport, Output, ReviewMeeting, ReviewNote

from . import documents
from .engines import FTS_TABLE, documents_table
from .indexing import READERS, people_documents
from .models import Document, Kind

BATCH = 2000
GIN_INDEX = "search_document_vector"
GIN_SQL = f"CREATE INDEX {GIN_INDEX} ON search_document USING gin (audience, vector)"


def _batches(queryset: QuerySet, size: int = BATCH) -> Iterator[QuerySet]:
    """The queryset in pk order, `size` rows at a time (each batch a queryset of its own, for the readers)."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield queryset.filter(pk__gt=last, pk__lte=ids[-1])
        last = ids[-1]


def _messages(size: int = BATCH) -> Iterator[list[Document]]:
    """Messages straight from their rows (no model instances: most of the index is messages)."""
    last = 0
    live = Message.objects.filter(deleted_at__isnull=True).order_by("pk")
    while True:
        rows = list(live.filter(pk__gt=last).values_list(
            "pk", "team_id", "channel_id", "thread_id", "author_id", "body", "created_at")[:size])
        if not rows:
            return
        yield [documents.message_document(team_id, message=pk, channel=channel, thread=thread, author=author,
                                          body=body, created_at=created_at)
               for pk, team_id, channel, thread, author, body, created_at in rows]
        last = rows[-1][0]


SOURCES: list[tuple[str, Callable[[], Iterator[list[Document]]]]] = [
    (Kind.TEAM, lambda: (READERS[Kind.TEAM](batch) for batch in _batches(Team.objects.all()))),
    (Kind.CARD, lambda: (READERS[Kind.CARD](batch) for batch in _batches(Card.objects.filter(archived=False)))),
    (Kind.COMMENT, lambda: (READERS[Kind.COMMENT](batch) for batch in _batches(Comment.objects.all()))),
    (Kind.MESSAGE, _messages),
    (Kind.OUTPUT, lambda: (READERS[Kind.OUTPUT](batch) for batch in _batches(Output.objects.all()))),
    (Kind.REPORT, lambda: (READERS[Kind.REPORT](batch) for batch in _batches(ClosingReport.objects.all()))),
    (Kind.NOTE, lambda: (READERS[Kind.NOTE](batch) for batch in _batches(ReviewNote.objects.all()))),
    (Kind.MEETING, lambda: (READERS[Kind.MEETING](batch) for batch in _batches(ReviewMeeting.objects.all()))),
    (Kind.PERSON, lambda: (people_documents(batch) for batch in _batches(get_user_model().objects.all()))),
]


def _execute(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@transaction.atomic
def rebuild(report: Callable[[str, int], object] = lambda kind, count: None) -> dict[str, int]:
    """Every document written anew; returns (and reports as it goes) how many of each kind."""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        _execute(f"LOCK TABLE {documents_table()} IN EXCLUSIVE MODE", f"DROP INDEX IF EXISTS {GIN_INDEX}")
    else:
        _execute(f"DELETE FROM {FTS_TABLE}")  # rows no document explains (the triggers keep the others)
    Document.objects.all().delete()
    counts = {}
    for kind, source in SOURCES:
        counts[kind] = 0
        for batch in source():
            Document.objects.bulk_create(batch, batch_size=BATCH)  # the table is empty: no conflicts to resolve
            counts[kind] += len(batch)
        report(kind, counts[kind])
    if postgresql:  # the deferred foreign-key checks of the inserts first: an index is not built with them pending
        _execute("SET CONSTRAINTS ALL IMMEDIATE", GIN_SQL, "SET CONSTRAINTS ALL DEFERRED",
                 f"ANALYZE {documents_table()}")
    fragments.renew_all()  # no event tells cached search pages of the new index
    return counts
