import datetime
import json

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from teams import fragments
from teams.markup import render_markdown

register = template.Library()


@register.filter
def ago(moment):
    """{{ n.created_at|ago }}: "just now", "5 minutes ago", "vor 5 Minuten" (never "0 minutes")."""
    if not moment:
        return ""
    if timezone.now() - moment < datetime.timedelta(minutes=1):  # a clock slightly ahead too
        return _("just now")
    return naturaltime(moment)


@register.filter
def markdown(text):
    """{{ card.description|markdown }}: sanitised HTML from user Markdown."""
    return render_markdown(text)


@register.simple_tag
def time_config():
    """What the browser needs to write a time exactly as the server's |date filter does: the
    cluster's time zone, the active language's formats and month abbreviations (dom.clusterTime in static/js/dom.js)."""
    months = [date_format(datetime.date(2000, month, 1), "M") for month in range(1, 13)]
    return json.dumps({"zone": settings.TIME_ZONE, "datetime": get_format("SHORT_DATETIME_FORMAT"),
                       "time": get_format("TIME_FORMAT"), "months": months})


@register.simple_tag
def team_cards(teams) -> SafeString:
    """{% team_cards teams %}: teams/_team_card.html for each team, from the fragment cache (per team version,
    and the viewer's role in it: the card's one personal line)."""
    teams = list(teams)
    cards = fragments.cached_many("team-card", [(team, (str(getattr(team, "my_role", "") or ""),)) for team in teams],
                                  lambda team: render_to_string("teams/_team_card.html", {"team": team}))
    return mark_safe("".join(cards))  # noqa: S308 (rendered templates)
