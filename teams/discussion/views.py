"""Thin views: the channel page, its history endpoint and no-JavaScript fallbacks for writing."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from teams import fragments
from teams.forms import query_ids
from teams.permissions import may_mention_team, team_abilities
from teams.views import apply, viewable_team_or_404

from . import channel_page, message_rows, selectors, team_settings
from .access import visible_channels
from .channel_views import channel_abilities, channel_or_404, manage_config, manage_context
from .channels import create_channel as create_channel_service
from .emoji import emoji_list
from .forms import ChannelForm, PostForm, SettingsForm
from .models import Message
from .posting import post_message
from .reactions import REACTIONS
from .rendering import card_url


def first_channel(request, team):
    """Where /channels/ leads: the first open channel the person may read (else the first archived one)."""
    return visible_channels(request.user, team).order_by(F("archived_at").asc(nulls_first=True), "id").first()


@login_required
def channels(request, slug):
    team = viewable_team_or_404(request.user, slug)
    first = first_channel(request, team)
    if first is not None:
        return redirect("discussion:channel", slug=team.slug, channel_id=first.pk)
    return render(request, "discussion/channel.html", {"team": team, "section": "discussion",
                                                       "can": team_abilities(request.user, team)})


@login_required
def channel(request, slug, channel_id):
    team = viewable_team_or_404(request.user, slug)
    seq = team.last_seq  # read in this request: the page shows state at seq, the client resumes after it
    # The channels the viewer reads with their unread counts (the public ones' kept per team version): the page's
    # channel is one of them, or there is none for this viewer.
    channels = selectors.channel_list(request.user, team)
    current = next((channel for channel in channels if channel.pk == channel_id), None)
    if current is None:
        raise Http404
    focus = _focus(request, current)
    can = channel_abilities(request.user, team, current)
    shared = focus is None and not current.private
    channel_list, archived_list = channel_page.channel_lists(team, current, channels)
    if shared:
        # A public channel's newest page: its body the same for every viewer with these abilities (channel_page),
        # its messages too but for the viewer's marks (message_rows).
        data = message_rows.channel_data(team, current)
        may_notify = can["contribute"] and may_mention_team(request.user, team, policy=data["team_mention"])
        cached = channel_page.cached_body(team, current, (tuple(sorted(can.items())), may_notify), lambda: _context(
            request, team, current, seq, can, may_notify, None, _shared_page(team, current, data)))
        messages_html = message_rows.rows_html(data["messages"], team=team, channel=current,
                                               me=request.user.pk, can=can)
    else:
        # A private channel's messages stay out of the shared cache; a permalink far back shows the page around
        # it (the newer pages follow on demand), not the newest: both rendered per request, as before issue 18.
        before = selectors.page_end_around(current, focus["thread"] or focus["message"]) if focus else None
        page = selectors.channel_page(request.user, team, current, before=before)
        messages_html = render_to_string("discussion/_messages.html", {
            **page, "team": team, "can": can, "reactions": REACTIONS}, request=request)
        page["members"] = [(m.user_id, m.user.username) for m in page["members"]]
        may_notify = can["contribute"] and team_settings.may_notify_team(request.user, team)
        context = _context(request, team, current, seq, can, may_notify, focus, page)
        cached = (channel_page.split(render_to_string("discussion/_channel_body.html", {
            **context, **channel_page.SLOTS}, request=request)), channel_page.config_script(context["config"]))
    content = channel_page.fill(request, cached, channel_list=channel_list, archived_list=archived_list,
                                messages_html=messages_html, me=request.user.pk)
    return fragments.page(request, "discussion/channel.html", {"team": team, "channel": current,
                                                               "section": "discussion"}, content)


def _context(request, team, channel, seq, can, may_notify, focus, page):
    """The body's context (discussion/_channel_body.html); for a public channel's newest page the same for every
    viewer with these abilities (`request` only for what is the same for them: no user, no token)."""
    return {
        **page, "team": team, "section": "discussion", "can": can, "channel": channel, "seq": seq,
        "reactions": REACTIONS, "channel_form": ChannelForm(),
        "settings_form": SettingsForm(initial={"team_mention": page["team_mention"]}), "may_notify_team": may_notify,
        "config": {**_config(request, team, channel, page, can, seq), "focus": focus,
                   **manage_config(request, team, channel, page, can)},
        "card_url": card_url(team, channel.card_id) if channel.card_id else None,
        "presence_list": _presence_list(page), **manage_context(request, team, channel, page, can),
    }


def _shared_page(team, channel, data):
    """What a public channel's newest page shows (`data`: message_rows.channel_data), read when its cached body is
    built."""
    return {"chat_messages": data["messages"], "more": data["more"], "newer": False, "names": data["names"],
            "members": data["members"], "pins": selectors.pinned(channel), "channel_members": [],
            "team_mention": data["team_mention"]}


def _file_and_emoji_strings():
    return {"quote": _("Quote"), "quoteBy": _("%(name)s wrote:"), "emoji": _("Emoji"),
            "emojiSearch": _("Search emoji"), "noEmoji": _("No emoji found."),
            "removeFile": _("Remove %(name)s"), "bytes": _("%(n)s bytes")}


def _presence_list(page):
    """Everyone in the team, offline until the socket says otherwise: written here, not by a template loop (a team
    of 500 spent a tenth of the page's time in it)."""
    offline = escape(_("offline"))
    return mark_safe("".join(  # noqa: S308 (names escaped, ids are numbers)
        f'<li data-user="{user_id}" class="offline"><span class="dot" aria-hidden="true"></span> '
        f'{escape(page["names"][user_id])} <span class="sr-only state">{offline}</span></li>'
        for user_id, _username in page["members"]))


def _focus(request, channel):
    """A permalink's message (?message=<id>, from a notification) and its thread's root, if it is one."""
    try:
        message_id = int(request.GET.get("message", ""))
    except ValueError:
        return None
    thread = Message.objects.filter(pk=message_id, channel=channel).values_list("thread_id", flat=True)
    return {"message": message_id, "thread": thread[0]} if thread else None


def _config(request, team, channel, page, can, seq):
    return {
        "slug": team.slug, "seq": seq, "channel": channel.pk,  # "me": channel_page.fill
        "canWrite": can["contribute"], "canModerate": can["contribute"] and can["edit"],
        "members": {str(user_id): page["names"][user_id] for user_id, _username in page["members"]},
        "usernames": {str(user_id): username for user_id, username in page["members"]},
        "reactions": REACTIONS,
        "historyUrl": reverse("discussion:history", args=[team.slug, channel.pk]),
        "filesUrl": reverse("discussion:post_files", args=[team.slug, channel.pk]), "emoji": emoji_list(),
        "channelUrl": reverse("discussion:channels", args=[team.slug]),
        "strings": {
            "typingOne": _("%(name)s is typing…"), "typingMany": _("Several people are typing…"),
            "edited": _("edited"), "deleted": _("This message was deleted."), "reply": _("Reply"),
            "replies": _("%(n)s replies"), "oneReply": _("1 reply"), "edit": _("Edit"), "delete": _("Delete"),
            "confirmDelete": _("Delete this message?"), "save": _("Save"), "cancel": _("Cancel"),
            "seenBy": _("Seen by %(names)s"), "online": _("online"), "newMessages": _("New messages"),
            "follow": _("Follow thread"), "unfollow": _("Unfollow"), "mute": _("Mute thread"),
            "unmute": _("Unmute"), "loadFailed": _("Could not load older messages."),
            "react": _("React"), **_file_and_emoji_strings(),
        },
    }


@login_required
@require_safe
def history(request, slug, channel_id):
    """Older messages by id (?before=<id>), newer ones (?after=<id>, a permalink's page), or a thread
    (?thread=<root id>): JSON with rendered HTML."""
    team = viewable_team_or_404(request.user, slug)
    current = channel_or_404(request, team, channel_id)
    try:
        before, thread, after = query_ids(request.GET, "before", "thread", "after")
    except ValueError:
        return JsonResponse({"error": _("before, after and thread are message ids.")}, status=400)
    try:
        page = selectors.history(request.user, team, current, before=before, thread=thread, after=after)
    except Message.DoesNotExist:
        raise Http404
    can = channel_abilities(request.user, team, current)
    context = {**page, "team": team, "can": can, "user": request.user, "reactions": REACTIONS,
               "in_thread": thread is not None}
    html = render_to_string("discussion/_messages.html", context, request=request)
    root_html = render_to_string("discussion/_message.html", {**context, "message": page["root"]},
                                 request=request) if page["root"] else ""
    shown = page["chat_messages"]
    return JsonResponse({"html": html, "root": root_html, "more": page["more"],
                         "before": shown[0].pk if shown else None, "after": shown[-1].pk if shown else None,
                         "subscription": page["subscription"]})


@login_required
@require_POST
def post(request, slug, channel_id):
    """Posting without JavaScript (the page's script sends over the WebSocket instead)."""
    team = viewable_team_or_404(request.user, slug)
    current = channel_or_404(request, team, channel_id)
    form = PostForm(request.POST)
    try:
        if form.is_valid():
            post_message(request.user, team, channel=current, body=form.cleaned_data["body"],
                                  thread=form.cleaned_data["thread"])
        else:
            _flash_form_errors(request, form)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("discussion:channel", slug=team.slug, channel_id=current.pk)


def _flash_form_errors(request, form):
    messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))


def _apply_or_flash_errors(request, form, call):
    """Run a service with a posted form; what the form or the service refuses is flashed as one message."""
    result = apply(form, call)
    if not result:
        _flash_form_errors(request, form)
    return result


@login_required
@require_POST
def create_channel(request, slug):
    team = viewable_team_or_404(request.user, slug)
    channel = _apply_or_flash_errors(request, ChannelForm(request.POST),
                                     lambda data: create_channel_service(request.user, team, **data))
    if channel is None:
        return redirect("discussion:channels", slug=team.slug)
    return redirect("discussion:channel", slug=team.slug, channel_id=channel.pk)


@login_required
@require_POST
def update_settings(request, slug):
    team = viewable_team_or_404(request.user, slug)
    if _apply_or_flash_errors(request, SettingsForm(request.POST),
                              lambda data: team_settings.update_settings(request.user, team, **data)):
        messages.success(request, _("Saved."))
    first = first_channel(request, team)
    return redirect("discussion:channel", slug=team.slug, channel_id=first.pk) if first else \
        redirect("discussion:channels", slug=team.slug)

