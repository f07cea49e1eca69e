"""The member pickers of the channel page, loaded when their dialog opens (htmx) instead of with every page: the
"New channel" form's choice of a private channel's members and a private channel's "Channel members" dialog (500
checkboxes for a team of 500, which only those who may choose need). Without JavaScript, the same addresses are
pages with the whole form."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from teams.permissions import Action, can
from teams.views import viewable_team_or_404

from . import access, selectors
from .channel_views import channel_or_404


def _people(team) -> list[tuple[int, str]]:
    """The team's active members (those a private channel may have), by name."""
    return [(m.user_id, m.user.get_full_name() or m.user.username) for m in selectors.members(team)]


@login_required
@require_safe
def new_channel_people(request, slug):
    """Whom a new private channel may have: the team's members but the creator (who is in it anyway)."""
    team = viewable_team_or_404(request.user, slug)
    if not can(request.user, Action.CONTRIBUTE, team):
        raise PermissionDenied
    people = [(user_id, name) for user_id, name in _people(team) if user_id != request.user.pk]
    template = "discussion/_choose_members.html" if request.htmx else "discussion/channel_people.html"
    return render(request, template, {"team": team, "people": people})


@login_required
@require_safe
def channel_people(request, slug, channel_id):
    """A private channel's members to remove and the team's other members to add (its creator, its leads)."""
    team = viewable_team_or_404(request.user, slug)
    channel = channel_or_404(request, team, channel_id)
    if not access.may_manage_members(request.user, team, channel):
        raise PermissionDenied
    chosen = set(selectors.channel_member_ids(channel))
    people = [(user_id, name, user_id in chosen) for user_id, name in _people(team)]
    template = "discussion/_channel_people.html" if request.htmx else "discussion/channel_people.html"
    return render(request, template, {"team": team, "channel": channel, "people": people})
