"""The channel page's body (discussion/_channel_body.html) for a public channel's newest page, rendered once per team
version and viewer variant instead of per request (issue 18: the template was a quarter of the page's time).

What is the same for every viewer with the same abilities is in the cached body: the header, the "Pinned" panel,
the members, the forms (their CSRF tokens as fragments.CSRF_SLOT) and the page script's config but `me`. Per
request only: the channel lists (each viewer's unread counts, and the private channels they are in), the messages
(each viewer's marks: message_rows.rows_html) and `me`. Those go where the body holds a slot: an HTML comment,
which escaped text can never contain, so nothing a person writes can become a slot. A private channel or a
permalink is rendered per request (views.channel), never cached: only who may read it may see it.
"""
from django.template.loader import render_to_string
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe

from teams import fragments
from teams.models import Team

from .models import Channel

CHANNEL_LIST = "<!--channel-list-->"
ARCHIVED_LIST = "<!--archived-list-->"
MESSAGES = "<!--messages-->"
SLOTS = {"channel_list": mark_safe(CHANNEL_LIST), "archived_list": mark_safe(ARCHIVED_LIST),  # noqa: S308
         "messages_html": mark_safe(MESSAGES)}  # noqa: S308 (constants)
CONFIG_START = b'<script id="chat-config" type="application/json">{'


def channel_lists(team: Team, channel: Channel, channels: list[Channel]) -> tuple[SafeString, SafeString]:
    """The open and the archived channels the viewer reads, with their unread counts."""
    def items(shown):
        return render_to_string("discussion/_channel_list.html", {"channels": shown, "team": team, "channel": channel})
    return (items([c for c in channels if c.archived_at is None]),
            items([c for c in channels if c.archived_at is not None]))


def config_script(config: dict) -> bytes:
    return str(json_script(config, "chat-config")).encode()


def cached_body(team: Team, channel: Channel, variant: tuple, build_context) -> tuple[tuple[bytes, ...], bytes]:
    """(body, config script) with slots, encoded, from the cache or rendered from `build_context()`: the body's
    context as every viewer with `variant` sees it (no request: nothing personal can enter it)."""
    def build():
        context = build_context()  # its config has no "me" (views._config): filled in per request
        body = render_to_string("discussion/_channel_body.html",
                                {**context, **SLOTS, "csrf_token": fragments.CSRF_SLOT})
        return split(body), config_script(context["config"])
    return fragments.cached("channel-body-encoded", team, (channel.pk, *variant), build)


def split(body: str) -> tuple[bytes, ...]:
    """The body cut at its slots, in their order on the page, encoded: the parts are joined with this viewer's
    values."""
    before, rest = body.split(CHANNEL_LIST, 1)
    between, rest = rest.split(ARCHIVED_LIST, 1)
    after, end = rest.split(MESSAGES, 1)
    return before.encode(), between.encode(), after.encode(), end.encode()


def fill(request, cached: tuple[tuple[bytes, ...], bytes], *, channel_list: str, archived_list: str,
         messages_html: str, me: int) -> bytes:
    """The cached body and config for this viewer: CSRF tokens, channel lists, messages and `me` (one join: what
    people wrote is never searched for slots)."""
    (before, between, after, end), script = cached
    before, between, after, end = (fragments.filled(request, part) for part in (before, between, after, end))
    script = script.replace(CONFIG_START, CONFIG_START + b'"me": %d, ' % int(me), 1)
    return b"".join((before, channel_list.encode(), between, archived_list.encode(), after, messages_html.encode(),
                     end, script))
