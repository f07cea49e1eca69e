"""The two engines behind one contract: given the parsed terms, the SQL that finds and scores documents.

- PostgreSQL: its own full-text search. `search_document.vector` is a generated tsvector (German, English and
  'simple' lexemes of title and body, the title weighted A) with a GIN index (migration 0002), the text spelled
  for each configuration as the embedded engine spells it (German reads "ae" as "ä", so "Pflegekraefte" and
  "Pflegekräfte" are one word; English and simple write umlauts out). Each term is `websearch_to_tsquery` in the
  three configurations, spelled alike, OR-ed; a prefix being typed adds 'simple' `word:*`; terms are AND-ed,
  excluded ones negated. Scored by `ts_rank`.
- SQLite: FTS5 (`search_fts`, kept by triggers from search_document, migration 0002), whose columns hold the
  German stems, English stems and folded words (text.py); the MATCH expression is built here from the words
  alone, every token quoted, so nothing typed is FTS5 syntax. Scored by `bm25`, title columns weighted 4.

Both return a `Match`: the FROM source (documents as `d`), the WHERE condition and the score (higher is better),
each with its parameters.
"""
from dataclasses import dataclass, field

from django.db import connection

from . import text
from .models import Document
from .parse import Term

TITLE_WEIGHT = 4.0


@dataclass
class Match:
    source: str
    condition: str
    score: str
    condition_params: list = field(default_factory=list)
    score_params: list = field(default_factory=list)


def documents_table() -> str:
    return connection.ops.quote_name(Document._meta.db_table)


# PostgreSQL ---------------------------------------------------------------------------------------

def spellings(phrase: str) -> dict[str, str]:
    """The phrase as each configuration reads it, spelled as the generated column spells the text (migration
    0002): German with "ae", "oe", "ue" read as umlauts, English and simple with umlauts written out."""
    return {"german": text.umlauts(phrase), "english": text.fold(phrase), "simple": text.fold(phrase)}


def _pg_term(term: Term) -> tuple[str, list[str]]:
    parts: list[str] = []
    params: list[str] = []
    for configuration, spelled in spellings(" ".join(term.words)).items():
        parts.append(f"websearch_to_tsquery('{configuration}', %s)")
        params.append(f'"{spelled}"' if len(term.words) > 1 else spelled)  # words only: no syntax of the person's
    if term.prefix:
        parts.append("to_tsquery('simple', %s)")
        params.append(f"'{text.fold(term.words[0])}':*")  # letters and digits between the quotes
    alternatives = "(" + " || ".join(parts) + ")"
    return ("!!" + alternatives if term.negated else alternatives), params


def _pg_query(terms: list[Term]) -> tuple[str, list[str]]:
    built = [_pg_term(term) for term in terms]
    return "(" + " && ".join(sql for sql, _params in built) + ")", [param for _sql, ps in built for param in ps]


def postgresql_match(terms: list[Term], *, narrow: bool = False) -> Match:
    """`narrow`: the reader's documents are few (sql.audience): a prefix being typed is checked on them, not looked
    up in the index (a short prefix matches many words, and GIN reads all their postings once per team)."""
    tsquery, params = _pg_query(terms)
    looked_up = [term for term in terms if not (narrow and term.prefix)]
    checked = [term for term in terms if narrow and term.prefix]
    conditions, condition_params = [], []
    if any(not term.negated for term in looked_up):
        sql, term_params = _pg_query(looked_up)
        conditions.append(f"d.vector @@ {sql}")
        condition_params += term_params
    if checked:  # ts_match_vq is what @@ calls: the same test, but not an index condition
        sql, term_params = _pg_query(checked)
        conditions.append(f"ts_match_vq(d.vector, {sql})")
        condition_params += term_params
    return Match(source=f"{documents_table()} d", condition=" AND ".join(conditions),
                 score=f"ts_rank(d.vector, {tsquery})", condition_params=condition_params, score_params=params)


# SQLite FTS5 --------------------------------------------------------------------------------------

FTS_TABLE = "search_fts"
FTS_COLUMNS = [f"{part}_{form}" for part in ("title", "body") for form in text.COLUMNS]


def _string(tokens: list[str]) -> str:
    """An FTS5 string (a phrase of these tokens): always quoted, so no token is ever an operator."""
    return '"' + " ".join(tokens).replace('"', '""') + '"'


def _sqlite_term(term: Term) -> str:
    alternatives = []
    for form in text.COLUMNS:
        tokens = text.column_words(form, term.words)
        if tokens:
            alternatives.append(f"{{title_{form} body_{form}}} : {_string(tokens)}")
    if term.prefix:
        alternatives.append(f"{{title_raw body_raw}} : {_string([text.fold(term.words[0])])} *")
    return "(" + " OR ".join(alternatives) + ")"


def fts_expression(terms: list[Term]) -> str:
    expression = " AND ".join(_sqlite_term(term) for term in terms if not term.negated)
    for term in terms:
        if term.negated:
            expression = f"({expression}) NOT {_sqlite_term(term)}"
    return expression


def sqlite_match(terms: list[Term], *, narrow: bool = False) -> Match:
    weights = ", ".join(str(TITLE_WEIGHT if column.startswith("title") else 1.0) for column in FTS_COLUMNS)
    return Match(source=f"{FTS_TABLE} JOIN {documents_table()} d ON d.id = {FTS_TABLE}.rowid",
                 condition=f"{FTS_TABLE} MATCH %s", score=f"-bm25({FTS_TABLE}, {weights})",
                 condition_params=[fts_expression(terms)])


def browse() -> Match:
    """No words: every document (the filters narrow them), newest first."""
    return Match(source=f"{documents_table()} d", condition="1 = 1", score="0")


def match(terms: list[Term], *, narrow: bool = False) -> Match:
    """The engine of the database in use."""
    return (postgresql_match if connection.vendor == "postgresql" else sqlite_match)(terms, narrow=narrow)
