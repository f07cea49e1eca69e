import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.translation import gettext as _

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
