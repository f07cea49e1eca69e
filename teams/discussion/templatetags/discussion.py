import nh3
from django import template
from django.utils.safestring import mark_safe

from teams.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

register = template.Library()


@register.filter
def stored_html(html):
    """A message's stored HTML (made by teams.markup.render_markdown), sanitised again on the way out."""
    return mark_safe(nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                               url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow"))
