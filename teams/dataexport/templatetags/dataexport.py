"""index.html's dates: data.json's ISO strings, in the page's language and the cluster's time zone."""
import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def when(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    if len(value) == 10:  # a date alone
        return formats.date_format(moment.date(), "DATE_FORMAT")
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
