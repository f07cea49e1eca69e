"""User-written Markdown → safe HTML: Markdown renders, Ammonia (nh3) removes anything
that could run or restyle the page. The only way user text becomes HTML."""
import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4", "hr",
                "del", "table", "thead", "tbody", "tr", "th", "td", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}}


def render_markdown(text):
    html = markdown.markdown(text or "", extensions=["fenced_code", "tables", "sane_lists", "nl2br"],
                             output_format="html")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer nofollow")
    return mark_safe(clean)
