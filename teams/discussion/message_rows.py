"""The channel page's messages as HTML, in Python, from data the fragment cache keeps per team version.

50 messages through templates/discussion/_message.html (reactions, replies, "seen by" and the actions per
message) were half of a channel page's time. What a message shows is the same for every viewer but for the
viewer's own marks ("mine", their reactions, Edit/Delete): `channel_data` reads the page's messages and the
team's members once per team version (teams/fragments.py: posts, edits, reactions and read markers are all
team events) as plain values; `rows_html` writes them for one viewer with the markup of _message.html, which
stays the reference (tests/test_fast_markup.py compares them) and still renders the history endpoint's pages.
"""
from html import escape
from typing import TYPE_CHECKING

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from teams import fragments
from teams.models import Team

from . import selectors
from .models import Channel, DiscussionSettings
from .reactions import REACTIONS
from .templatetags.discussion import stored_html

if TYPE_CHECKING:
    from .selectors import MessageSeen

FILE_ID = "file-id"  # where a file's id goes in its download address


def _message(message: "MessageSeen") -> dict:
    author = message.author
    created = timezone.localtime(message.created_at)
    return {
        "pk": message.pk, "author_id": message.author_id, "thread_id": message.thread_id,
        "author": (author.get_full_name() or author.username) if author is not None else "",
        "iso": created.isoformat(), "when": date_format(created, "SHORT_DATETIME_FORMAT"),
        "edited": bool(message.edited_at), "deleted": message.is_deleted, "body": message.body,
        "html": "" if message.is_deleted else str(stored_html(message.html)),
        "reply_count": getattr(message, "reply_count", 0) or 0,
        "last_reply_id": getattr(message, "last_reply_id", 0) or 0,
        "reactions": [(r["emoji"], r["count"], r["names"], r["user_ids"]) for r in message.reaction_summary],
        "seen_by_ids": message.seen_by_ids, "seen_by": message.seen_by,
        "files": [(f.pk, f.name, f.is_image, f.width, f.height, str(filesizeformat(f.size)))
                  for f in message.file_list],
    }


def channel_data(team: Team, channel: Channel) -> dict:
    """The channel's latest page of messages, the team's members and who may notify them all (@team), as values;
    cached per team version."""
    def build():
        memberships = selectors.members(team)
        names = {m.user_id: m.user.get_full_name() or m.user.username for m in memberships}
        messages, more = selectors.latest_messages(channel, names)
        settings = selectors.discussion_settings(team)
        return {"messages": [_message(m) for m in messages], "more": more, "names": names,
                "members": [(m.user_id, m.user.username) for m in memberships],
                "team_mention": settings.team_mention if settings else DiscussionSettings.TeamMention.LEADS}
    return fragments.cached("channel", team, (channel.pk,), build)


def _words() -> dict:
    return {key: escape(text) for key, text in (
        ("edited", _("edited")), ("deleted", _("This message was deleted.")), ("reply", _("Reply")),
        ("react", _("React")), ("quote", _("Quote")), ("edit", _("Edit")), ("delete", _("Delete")))}


def _files(files: list[tuple], file_url: str) -> str:
    """The message's files as _message.html lists them (`file_url`: the download address with FILE_ID)."""
    items = []
    for pk, name, is_image, width, height, size in files:
        url, name = escape(file_url.replace(FILE_ID, str(pk))), escape(name)
        if is_image:
            items.append(f'<li><a href="{url}" target="_blank" rel="noopener"><img src="{url}?preview=1" '
                         f'alt="{name}" width="{width}" height="{height}" loading="lazy"></a></li>')
        else:
            items.append(f'<li><a class="file" href="{url}" download>{name}</a> '
                         f'<span class="muted size">{escape(size)}</span></li>')
    return f'<ul class="msg-files">{"".join(items)}</ul>\n  ' if items else ""


def _row(m: dict, me: int | None, can: dict, words: dict, menu: str, file_url: str) -> str:
    pk, mine, deleted = m["pk"], m["author_id"] is not None and m["author_id"] == me, m["deleted"]
    css = "msg" + (" mine" if mine else "") + (" deleted" if deleted else "")
    author_id = "" if m["author_id"] is None else m["author_id"]
    body = f' data-body="{escape(m["body"])}"' if mine and not deleted else ""
    reactions = []
    for emoji, count, names, user_ids in m["reactions"]:
        emoji, title = escape(emoji), escape(", ".join(names))
        if can["contribute"]:
            mine_css = " mine" if me in user_ids else ""
            reactions.append(f'<button type="button" class="reaction{mine_css}" data-emoji="{emoji}" title="{title}">'
                             f'{emoji} <span class="count">{count}</span></button>')
        else:
            reactions.append(f'<span class="reaction" data-emoji="{emoji}" title="{title}">{emoji} '
                             f'<span class="count">{count}</span></span>')
    replies = ""
    if not m["thread_id"]:
        count = m["reply_count"]
        label = escape(ngettext("%(n)s reply", "%(n)s replies", count) % {"n": count}) if count else words["reply"]
        replies = (f'<button type="button" class="link replies" data-thread="{pk}" data-count="{count}" '
                   f'data-last-reply="{m["last_reply_id"]}">{label}</button>')
    seen = m["seen_by"]
    seen_title = _("Seen by %(names)s") % {"names": escape(", ".join(seen))} if seen else ""
    actions = ""
    if not deleted and can["contribute"]:
        actions = ('<span class="msg-actions">\n      ' + menu + "\n      "
                   + f'<button type="button" class="link quote">{words["quote"]}</button>' + "\n      "
                   + (f'<button type="button" class="link edit">{words["edit"]}</button>' if mine else "") + "\n      "
                   + (f'<button type="button" class="link danger delete">{words["delete"]}</button>'
                      if mine or can["edit"] else "") + "\n    </span>")
    content = f'<em class="muted">{words["deleted"]}</em>' if deleted else m["html"]
    return (f'<li class="{css}" id="m{pk}" data-id="{pk}" data-author="{author_id}" '
            f'data-seen="{",".join(map(str, m["seen_by_ids"]))}"{body}>\n'
            f'  <div class="msg-head"><strong class="author">{escape(m["author"])}</strong>\n'
            f'    <time datetime="{m["iso"]}">{escape(m["when"])}</time>\n'
            f'    <span class="edited muted"{"" if m["edited"] else " hidden"}>({words["edited"]})</span></div>\n'
            f'  <div class="msg-body">{content}</div>\n'
            f'  {"" if deleted else _files(m["files"], file_url)}'
            '  <div class="msg-foot">\n'
            f'    <span class="reactions">{"".join(reactions)}</span>\n'
            f"    {replies}\n"
            f'    <span class="seen muted" title="{seen_title}"{"" if seen else " hidden"}>✓ {len(seen)}</span>\n'
            f"    {actions}\n"
            "  </div>\n"
            "</li>\n")


def rows_html(messages: list[dict], *, team: Team, channel: Channel, me: int | None, can: dict) -> SafeString:
    """The messages for the viewer `me` with abilities `can` (contribute, edit; an archived channel's: no
    contribute, channel_views.channel_abilities)."""
    words = _words()
    file_url = reverse("discussion:file", args=[team.slug, channel.pk, 0])[:-2] + FILE_ID + "/"
    menu = (f'<details class="react-menu"><summary title="{words["react"]}">☺</summary>'
            + "".join(f'<button type="button" class="add-reaction" data-emoji="{escape(emoji)}">{escape(emoji)}'
                      "</button>" for emoji in REACTIONS) + "</details>")
    return mark_safe("".join(_row(m, me, can, words, menu, file_url) for m in messages))  # noqa: S308 (all escaped)
