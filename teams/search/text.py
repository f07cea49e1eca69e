"""Words as the search sees them, in German and English, the same for what is indexed and what is asked.

- A word is a run of letters and digits ("E-Health" is two words, "2026" one), lower-cased.
- `fold`: the spelling with umlauts written out ("Pflegekräfte" → "pflegekraefte", "Straße" → "strasse"), so that
  "ae" for "ä" matches and prefixes match while typing. Other accents stay ("Charité"), as on PostgreSQL.
- `german`, `english`: the Snowball stems ("Pflegekräfte", "Pflegekraefte" and "Pflegekraft" → "pflegekraft";
  "hospitals" → "hospit"), the algorithms PostgreSQL's german and english configurations use too.
- Stop words (stopwords.py) are not searched for alone (parse.py).

PostgreSQL stems with its own configurations (engines.py); the embedded engine (SQLite FTS5) indexes the three
forms computed here, through `search_terms`, a function this module registers on every SQLite connection for
the FTS5 triggers (migration 0002). Snippets are marked with `matcher` on either engine.
"""
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import snowballstemmer

from .stopwords import ENGLISH, GERMAN

WORD = re.compile(r"[^\W_]+")
_TO_DIGRAPHS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_TO_UMLAUTS = re.compile(r"ae|oe|(?<!q)ue")  # Snowball's german2 rule: "ue" after "q" stays ("Quelle")
_UMLAUT_OF = {"ae": "ä", "oe": "ö", "ue": "ü"}
_local = threading.local()  # Snowball stemmers keep state while they stem: one per thread


def clean(text: str) -> str:
    """`text` without lone surrogates and control characters (no database stores those)."""
    return "".join(c for c in text if not ("\ud800" <= c <= "\udfff") and (c >= " " or c in "\t\n"))


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def digraphs(text: str) -> str:
    """ä → ae, ö → oe, ü → ue, ß → ss."""
    return text.translate(_TO_DIGRAPHS)


def umlauts(text: str) -> str:
    """ae → ä, oe → ö, ue → ü (not after q): how a German word typed without umlauts may be meant."""
    return _TO_UMLAUTS.sub(lambda m: _UMLAUT_OF[m.group(0)], text)


@lru_cache(maxsize=50_000)
def fold(word: str) -> str:
    return digraphs(unicodedata.normalize("NFC", word.lower()))


def _stemmer(language: str):
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(language)
    return stemmers[language]


@lru_cache(maxsize=50_000)
def german(word: str) -> str:
    return _stemmer("german").stemWord(word)  # Snowball ≥ 3 reads "ae" as "ä" itself


@lru_cache(maxsize=50_000)
def english(word: str) -> str:
    return _stemmer("english").stemWord(fold(word))


def is_german_stop(word: str) -> bool:
    return word in GERMAN or umlauts(word) in GERMAN


def is_stop(word: str) -> bool:
    """A stop word of either language: too common to search for."""
    return word in ENGLISH or is_german_stop(word)


# The embedded engine's columns (SQLite FTS5) ------------------------------------------------------

COLUMNS = ("de", "en", "raw")


def column_words(form: str, items: Iterable[str]) -> list[str]:
    """The words as one column of the embedded index holds them: German stems, English stems or folded words.
    Stop words stay (a phrase's words stand where they stood); the query leaves out a stop word asked alone."""
    spell = german if form == "de" else english if form == "en" else fold
    return [spell(word) for word in items]


@lru_cache(maxsize=256)  # the triggers ask for the three forms of one text in a row
def _words_of(text: str) -> tuple[str, ...]:
    return tuple(words(text))


def search_terms(text: str | None, form: str) -> str:
    """The SQL function `search_terms(text, form)` of the FTS5 triggers: the column's words, space-separated."""
    return " ".join(column_words(form, _words_of(text or "")))


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: SQLite connections get `search_terms` for the FTS5 triggers."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("search_terms", 2, search_terms, deterministic=True)


# Marking the words of a snippet ------------------------------------------------------------------

def matcher(positive_words: Iterable[str], prefixes: Iterable[str] = ()) -> Callable[[str], bool]:
    """Whether a word of a text is one the query asked for: any of its forms equals one of a query word's
    forms, or its folded spelling starts with a prefix being typed."""
    keys = {form for word in positive_words for form in (german(word), english(word), fold(word))}
    starts = tuple(fold(prefix) for prefix in prefixes)
    seen: dict[str, bool] = {}  # a text repeats its words: each is looked at once per search

    def matches(word: str) -> bool:
        if word not in seen:
            lower = word.lower()
            folded = fold(lower)
            seen[word] = (folded in keys or german(lower) in keys or english(lower) in keys
                          or bool(starts) and folded.startswith(starts))
        return seen[word]
    return matches
