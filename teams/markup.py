"""User-written Markdown → safe HTML: Markdown renders, Ammonia (nh3) removes anything
that could run or restyle the page. The only way user text becomes HTML."""
import re
import threading

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4", "hr",
                "del", "table", "thead", "tbody", "tr", "th", "td", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}}


_local = threading.local()  # a Markdown instance is not thread-safe, and building one costs more than a render


def _markdown():
    if not hasattr(_local, "md"):
        _local.md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", "nl2br"],
                                      output_format="html")
    return _local.md


# Text Markdown can only wrap in one paragraph: a single line that starts with a letter and holds
# letters, digits, spaces and punctuation without Markdown or HTML meaning inside a line. Most chat
# messages are like this; they skip the parser (what it saves: docs/benchmarks.md), and
# tests/test_markup.py checks both ways give the same HTML.
PLAIN_TEXT = re.compile(r"[^\W\d_](?:[^\W_]|[ .,;:!?'\"()/%+=@$€§–—…|-])*(?<! )")


def render_markdown(text):
    if PLAIN_TEXT.fullmatch(text or ""):
        return mark_safe(f"<p>{text}</p>")
    return _render(text)


def _render(text):
    html = _markdown().reset().convert(text or "")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer nofollow")
    return mark_safe(clean)


def excerpt(text: str | None, length: int = 140) -> str:
    """The text on one line, cut to `length` characters (event data, notifications, errors)."""
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"
