"""The calendar section of the account page: {% calendar_feed_section %} (one query: the person's link row)."""
from django import template

from teams.calendar.models import FeedToken

register = template.Library()


@register.inclusion_tag("calendar/_account_section.html", takes_context=True)
def calendar_feed_section(context):
    user = context["request"].user
    return {"feed": FeedToken.objects.filter(user=user).first(), "csrf_token": context.get("csrf_token")}
