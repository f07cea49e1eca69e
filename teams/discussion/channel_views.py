"""Thin views of channel management and pins: no-JavaScript fallbacks (the page's script sends the same
commands over the WebSocket) and the "Pinned" panel's fragment. Who may: teams/discussion/access.py."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from teams.forms import MAX_ID
from teams.permissions import Action, can, team_abilities
from teams.views import apply, viewable_team_or_404

from . import access, selectors
from .channel_admin import change_members, set_archived, update_channel
from .forms import ChannelEditForm, ChannelMembersForm
from .pins import pin_message, unpin_message


def channel_or_404(request, team, channel_id):
    """The team's channel, if the person may read it (a private one: its members; others get the 404 of no channel)."""
    return get_object_or_404(access.visible_channels(request.user, team), pk=channel_id)


def channel_abilities(user, team, channel) -> dict[str, bool]:
    """team_abilities for a channel's pages: nobody writes in an archived channel (no write buttons)."""
    can = team_abilities(user, team)
    return {**can, "contribute": False} if channel.archived_at is not None else can


def manage_context(request, team, channel, page, can) -> dict:
    """What the channel page shows of managing the channel, its members and its pins."""
    may_manage_members = access.may_manage_members(request.user, team, channel)
    # Those who choose a private channel's members load the team's members with the dialog (people_views);
    # its other members see who is in it.
    names = [] if may_manage_members else sorted(page["names"][user_id] for user_id in page["channel_members"]
                                                  if user_id in page["names"])
    return {
        "can_pin": can["contribute"] and channel.archived_at is None,
        "may_manage": access.may_manage(request.user, team),
        "may_manage_members": may_manage_members,
        "archived": channel.archived_at is not None, "channel_names": names,
    }


def manage_config(request, team, channel, page, can) -> dict:
    """The page script's part for channel management and pins (static/js/channels.js)."""
    return {
        "private": channel.private, "archived": channel.archived_at is not None,
        "canPin": can["contribute"] and channel.archived_at is None,
        "pinsUrl": reverse("discussion:pins", args=[team.slug, channel.pk]),
        "channelStrings": {
            "pin": _("Pin"), "unpin": _("Unpin"), "copyLink": _("Copy link"), "copied": _("Link copied"),
            "private": _("private"),
        },
    }


def _done(request, team, channel, call, form=None):
    """Run a service (with a posted form, if any): its refusal is flashed, then back to the channel."""
    try:
        if form is None:
            call({})
        elif not apply(form, call):
            messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("discussion:channel", slug=team.slug, channel_id=channel.pk)


def _form_view(form_class, service):
    """A POST of `form_class` applied by `service(actor, team, channel=…, **cleaned_data)`."""
    @login_required
    @require_POST
    def view(request, slug, channel_id):
        team = viewable_team_or_404(request.user, slug)
        channel = channel_or_404(request, team, channel_id)
        return _done(request, team, channel, lambda data: service(request.user, team, channel=channel, **data),
                     form_class(request.POST))
    return view


edit_channel = _form_view(ChannelEditForm, update_channel)  # name, topic
channel_members = _form_view(ChannelMembersForm, change_members)  # add, remove: user ids


@login_required
@require_POST
def archive_channel(request, slug, channel_id):
    team = viewable_team_or_404(request.user, slug)
    channel = channel_or_404(request, team, channel_id)
    archived = request.POST.get("archived") == "1"
    return _done(request, team, channel,
                 lambda _data: set_archived(request.user, team, channel=channel, archived=archived))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pins(request, slug, channel_id):
    """GET: the "Pinned" panel (a fragment the script reloads on pin events); POST message=<id>, pinned=1|0."""
    team = viewable_team_or_404(request.user, slug)
    channel = channel_or_404(request, team, channel_id)
    if request.method != "POST":
        return _pins_panel(request, team, channel)
    message = request.POST.get("message", "")
    if not (message.isascii() and message.isdigit() and 0 < int(message) <= MAX_ID):
        raise Http404
    service = pin_message if request.POST.get("pinned") == "1" else unpin_message
    try:
        return _done(request, team, channel, lambda _data: service(request.user, team, message=int(message)))
    except ObjectDoesNotExist:  # no such message in a channel the person reads
        raise Http404


def _pins_panel(request, team, channel):
    can_pin = can(request.user, Action.CONTRIBUTE, team) and channel.archived_at is None
    return render(request, "discussion/_pins.html", {"team": team, "channel": channel, "can_pin": can_pin,
                                                     "pins": selectors.pinned(channel)})
