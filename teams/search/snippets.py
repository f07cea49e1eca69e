"""Snippets: the part of a text around what was found, escaped, the matching words in <mark>.

One highlighter for both engines, so a hit reads the same on PostgreSQL and SQLite: a word is marked when any
of its forms (German stem, English stem, folded spelling: text.matcher) is one the query asked for, which is
how the index found it. (PostgreSQL's ts_headline reads a text with one configuration; the index holds three,
so a word found by its English stem alone would go unmarked there.)
"""
import re
from collections.abc import Callable
from html import escape  # Django's escape is this, wrapped for lazy strings: 10 times slower per word

from django.utils.safestring import SafeString, mark_safe

from . import text

WINDOW = 28  # words of a snippet
# Links keep their text; emphasis, code marks and the marks that start headings, quotes and list items go.
_MARKDOWN = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*`~]+|(?<!\w)__?|__?(?!\w)|^[ \t]*(?:#{1,6}|>+|[-+]|\d+\.)[ \t]",
                       re.MULTILINE)


def plain(markdown: str) -> str:
    """The words of Markdown as a reader sees them, on one line."""
    return " ".join(_MARKDOWN.sub(lambda m: m.group(1) or " ", markdown).split())


def _marked(source: str, spans: list[tuple[int, int]], hits: list[bool]) -> str:
    out, at = [], spans[0][0] if spans else 0
    for (start, end), hit in zip(spans, hits):
        out.append(escape(source[at:start]))
        out.append(f"<mark>{escape(source[start:end])}</mark>" if hit else escape(source[start:end]))
        at = end
    return "".join(out)


def highlight(source: str, matches: Callable[[str], bool], *, window: int = WINDOW) -> SafeString:
    """`source` (plain text) cut to the `window` words with the most matches, matching words marked."""
    spans = [m.span() for m in text.WORD.finditer(source)]
    if not spans:
        return mark_safe(escape(source))
    hits = [matches(source[start:end]) for start, end in spans]
    if len(spans) <= window:
        return mark_safe(escape(source[:spans[0][0]]) + _marked(source, spans, hits) + escape(source[spans[-1][1]:]))
    best, best_count, count = 0, sum(hits[:window]), sum(hits[:window])
    for first in range(1, len(spans) - window + 1):
        count += hits[first + window - 1] - hits[first - 1]
        if count > best_count:
            best, best_count = first, count
    if best_count and hits.index(True, best) - best > 3:  # a few words before the first match, not many
        best = min(hits.index(True, best) - 3, len(spans) - window)
    lead = "… " if best else ""
    tail = " …" if best + window < len(spans) else ""
    return mark_safe(lead + _marked(source, spans[best:best + window], hits[best:best + window]) + tail)
