"""What a person types into a search box, read the way web search engines read it (PostgreSQL's
websearch_to_tsquery): words that must all be there, "phrases in quotes", -word or -"a phrase" to exclude.
While typing, the last word also matches longer words ("Pflegek" finds "Pflegekräfte").

Nothing typed is ever handed to an engine as syntax: the engines get the words (letters and digits only) and
build their own queries from them. So quotes left open, lone operators, `NEAR(`, `*`, SQL and 10,000 characters
end in a result or a clear message, never an error.
"""
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from . import text

MAX_LENGTH = 200  # characters of a query
MAX_TERMS = 8  # words and phrases searched for (more are left out)
MIN_PREFIX = 2  # a prefix of one letter would match almost everything

# -"a phrase", "a phrase (to the end, if its quote is not closed), -word, word
_CHUNK = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # lower-cased; more than one: a phrase
    negated: bool = False
    prefix: bool = False  # the word being typed: longer words match too


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)
    problem: str = ""  # for the person, when there is nothing to search for

    @property
    def positive(self) -> list[Term]:
        return [term for term in self.terms if not term.negated]

    @property
    def negative(self) -> list[Term]:
        return [term for term in self.terms if term.negated]

    def __bool__(self) -> bool:
        return bool(self.positive)


def _term(chunk: str, negated: bool) -> Term | None:
    """The words of a chunk; several are a phrase ("E-Health" as much as "\"E Health\""). None when there are
    no words or only stop words."""
    found = tuple(text.words(chunk))
    if not found or all(text.is_stop(word) for word in found):
        return None
    return Term(found, negated=negated)


def parse(typed: object, *, typing: bool = False) -> Query:
    """The terms of a query, or a problem to show. `typing`: the box is being typed into (the last word is a
    prefix unless a space or quote follows it)."""
    typed = text.clean(typed if isinstance(typed, str) else "")
    if len(typed) > MAX_LENGTH:
        return Query(problem=str(_("Search for at most %(n)d characters.") % {"n": MAX_LENGTH}))
    terms: list[Term] = []
    prefix: Term | None = None
    for match in _CHUNK.finditer(typed):
        quoted_minus, quoted, minus, bare = match.groups()
        if quoted is not None:
            term = _term(quoted, bool(quoted_minus))
        else:
            term = _term(bare, bool(minus))
            words = text.words(bare)
            last = match.end() == len(typed)
            if typing and last and not minus and len(words) == 1 and len(words[0]) >= MIN_PREFIX:
                prefix = Term((words[0],), prefix=True)  # kept even if a stop word: "in" may become "Innovation"
                term = None
        if term is not None and term not in terms:
            terms.append(term)
    terms = terms[:MAX_TERMS - (1 if prefix else 0)]
    if prefix is not None:
        terms.append(prefix)
    query = Query(terms)
    if not query:
        query.problem = str(_problem(typed, terms))
    return query


def _problem(typed: str, terms: list[Term]):
    if terms:
        return _("Say what to look for, not only what to leave out.")
    if text.words(typed):
        return _("These words are too common to search for.")
    return _("Type a word to search for.")
