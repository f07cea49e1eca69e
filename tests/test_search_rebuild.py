"""`manage.py rebuild_search_index` repairs an index gone wrong: documents missing, stale, left over, or (SQLite)
the FTS5 table out of step with the documents; and it writes the same documents the write path writes."""
import io

import pytest
from django.core.management import call_command
from django.db import connection

from teams.search.models import Document, Kind
from teams.search.rebuild import rebuild
from tests.search_helpers import WORDS, fill, kinds_found

pytestmark = pytest.mark.django_db

FIELDS = ["kind", "object_id", "team_id", "audience", "channel_id", "parent_id", "author_id", "title", "body"]


def snapshot():
    return sorted(Document.objects.values_list(*FIELDS))


def test_the_rebuild_writes_what_the_write_path_wrote(people, make_team):
    fill(people, make_team)
    written = snapshot()
    assert {row[0] for row in written} == {kind.value for kind in Kind}
    rebuild()
    assert snapshot() == written


def test_the_command_repairs_a_corrupted_index(people, make_team):
    fill(people, make_team)
    reader = people["manager"]
    Document.objects.filter(kind=Kind.MESSAGE).delete()  # missing
    Document.objects.filter(kind=Kind.CARD).update(title="verdorben", body="verdorben")  # stale
    Document.objects.create(kind=Kind.NOTE, object_id=999_999, audience=Document.PUBLIC,  # left over
                            body="Geisterdokument")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # the engine's own structure out of step with the documents
            cursor.execute("DELETE FROM search_fts WHERE rowid = (SELECT id FROM search_document WHERE kind = 'team')")
            cursor.execute("INSERT INTO search_fts(rowid, body_raw) VALUES (987654, 'phantom')")
    assert kinds_found(reader, WORDS[Kind.MESSAGE]) == [] and kinds_found(reader, "verdorben") == ["card"]
    assert kinds_found(reader, "Geisterdokument") == ["note"]

    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert f"Search index rebuilt: {Document.objects.count()} documents" in out.getvalue()
    assert all(f"  {kind.value:<8}" in out.getvalue() for kind in Kind)
    for kind in Kind:
        assert kinds_found(reader, WORDS[kind]) == [kind.value], kind
    assert kinds_found(reader, "verdorben") == [] and kinds_found(reader, "Geisterdokument") == []
    assert kinds_found(reader, "phantom") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM search_fts")
            assert cursor.fetchone()[0] == Document.objects.count()
