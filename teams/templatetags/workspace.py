import datetime
import json

from django import template
from django.conf import settings
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format

from teams.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """{{ card.description|markdown }}: sanitised HTML from user Markdown."""
    return render_markdown(text)


@register.simple_tag
def time_config():
    """What the browser needs to write a time exactly as the server's |date filter does: the
    cluster's time zone, the active language's formats and month abbreviations (static/js/live.js)."""
    months = [date_format(datetime.date(2000, month, 1), "M") for month in range(1, 13)]
    return json.dumps({"zone": settings.TIME_ZONE, "datetime": get_format("SHORT_DATETIME_FORMAT"),
                       "time": get_format("TIME_FORMAT"), "months": months})
