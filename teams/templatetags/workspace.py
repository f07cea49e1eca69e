from django import template

from teams.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """{{ card.description|markdown }}: sanitised HTML from user Markdown."""
    return render_markdown(text)
