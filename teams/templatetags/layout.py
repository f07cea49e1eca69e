"""{% once "name" key=value … %}…{% endonce %}: markup that is the same for every request with the same language
and key values (the layout's head, navigation, footer: URLs, static file names, translated words), rendered once
per process and kept in memory (teams/once.py).

The part is rendered in a context that holds ONLY its key values: a request's user, CSRF token or path cannot
reach it (they would render empty), so one viewer's markup can never be served to another. A template changed
in development (the loader compiles it anew: new nodes) or any changed setting (tests) starts afresh.
"""
from django import template
from django.template import Context
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString, mark_safe

from teams import once as memo

register = template.Library()


class OnceNode(template.Node):
    # No {% block %} inside (checked when parsed): {% extends %}, which looks for blocks on every render, skips it.
    child_nodelists = ()

    def __init__(self, name: str, keys: dict[str, template.base.FilterExpression], nodelist: template.NodeList):
        self.name, self.keys, self.nodelist = name, keys, nodelist
        self.rendered: dict[tuple, str] = {}

    def render(self, context: Context) -> SafeString:
        values = {name: expression.resolve(context) for name, expression in self.keys.items()}
        key = memo.key(context.autoescape, *values.items())
        html = self.rendered.get(key)
        if html is None:
            bare = Context(values, autoescape=context.autoescape, use_l10n=context.use_l10n, use_tz=context.use_tz)
            bare.template = context.template  # what {% include %} inside would load from
            html = memo.store(self.rendered, key, self.nodelist.render(bare))
        return mark_safe(html)


@register.tag
def once(parser: template.base.Parser, token: template.base.Token) -> OnceNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError("{% once %} takes a quoted name, then key=value pairs")
    keys = {}
    for bit in bits[2:]:
        name, sep, value = bit.partition("=")
        if not sep or not name.isidentifier():
            raise template.TemplateSyntaxError(f"{{% once %}}: {bit!r} is not key=value")
        keys[name] = parser.compile_filter(value)
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("{% once %} cannot hold a {% block %}: a child template could not fill it")
    return OnceNode(bits[1][1:-1], keys, nodelist)
