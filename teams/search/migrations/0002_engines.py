"""Each engine's search structure over search_document, derived by the database in the statement that writes a row.

PostgreSQL: a generated tsvector column (German, English and 'simple' lexemes; title weighted A, body B) and a
GIN index on the audience and it; the text is spelled for each configuration the way the embedded engine spells
it. Other accents than umlauts are kept on both engines (PostgreSQL's unaccent cannot be used in a generated
column), so the engines find the same. SQLite: an FTS5 table whose columns hold the German stems, English stems and folded words of
title and body (teams/search/text.py, called as the SQL function search_terms), kept by triggers.
"""
from django.db import migrations

def _spelled(column, configuration):
    """The text as each configuration reads it, as teams/search/text.py spells it for the embedded engine:
    German with "ae", "oe", "ue" (not after q) read as umlauts; English and simple with umlauts written out."""
    lowered = f"lower(coalesce({column}, ''))"
    if configuration == "german":
        return f"regexp_replace(replace(replace({lowered}, 'ae', 'ä'), 'oe', 'ö'), '(?<!q)ue', 'ü', 'g')"
    written_out = lowered
    for umlaut, digraph in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        written_out = f"replace({written_out}, '{umlaut}', '{digraph}')"
    return written_out


VECTOR = " || ".join(
    f"setweight(to_tsvector('{configuration}'::regconfig, {_spelled(column, configuration)}), '{weight}')"
    for column, weight in (("title", "A"), ("body", "B")) for configuration in ("german", "english", "simple"))

POSTGRESQL = [
    f"ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    # btree_gin (a trusted extension that ships with PostgreSQL) puts the audience into the GIN index: a member
    # of a few teams looks up the words in those teams' documents only, however common the words are.
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX search_document_vector ON search_document USING gin (audience, vector)",
]
POSTGRESQL_REVERSE = ["DROP INDEX search_document_vector", "ALTER TABLE search_document DROP COLUMN vector"]

COLUMNS = [f"{part}_{form}" for part in ("title", "body") for form in ("de", "en", "raw")]
TERMS = ", ".join(f"search_terms(new.{column.split('_')[0]}, '{column.split('_')[1]}')" for column in COLUMNS)
INSERT = f"INSERT INTO search_fts(rowid, {', '.join(COLUMNS)}) VALUES (new.id, {TERMS});"
SQLITE = [
    f"CREATE VIRTUAL TABLE search_fts USING fts5({', '.join(COLUMNS)}, "
    "tokenize = 'unicode61 remove_diacritics 0')",  # no prefix indexes: they triple every post's FTS writes
    f"CREATE TRIGGER search_document_inserted AFTER INSERT ON search_document BEGIN {INSERT} END",
    "CREATE TRIGGER search_document_updated AFTER UPDATE OF title, body ON search_document BEGIN "
    f"DELETE FROM search_fts WHERE rowid = old.id; {INSERT} END",
    "CREATE TRIGGER search_document_deleted AFTER DELETE ON search_document BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; END",
]
SQLITE_REVERSE = ["DROP TRIGGER search_document_deleted", "DROP TRIGGER search_document_updated",
                  "DROP TRIGGER search_document_inserted", "DROP TABLE search_fts"]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [("search", "0001_document")]

    operations = [migrations.RunPython(_run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
                                       _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}))]
