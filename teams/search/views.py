"""Thin views of search: the results page (with filters, paging, and scoped to a channel or a board), and the
header box's suggestions while typing. Both ask teams.search.query, which applies the permissions itself."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from teams.discussion.access import may_read
from teams.discussion.models import Channel
from teams.permissions import can_view
from teams.views import viewable_team_or_404

from .forms import SearchForm
from .query import GROUPS, query, suggest


def _page_number(value) -> int:
    """A page number as typed; a huge one is the last page (query clamps it), anything else the first."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value[:6]) if len(value) <= 6 else 999_999
    return 1


def _scope(request) -> dict:
    """?channel=<id> or ?board=<team slug>: searching within them (a private team's: only for its viewers)."""
    scope = {}
    channel_id = request.GET.get("channel", "")
    if channel_id:
        channel = Channel.objects.select_related("team").filter(pk=int(channel_id)).first() \
            if channel_id.isdigit() and len(channel_id) < 19 else None
        if channel is None or not can_view(request.user, channel.team) or not may_read(request.user, channel):
            raise Http404
        scope["channel"] = channel
    if request.GET.get("board"):
        scope["board"] = viewable_team_or_404(request.user, request.GET["board"])
    return scope


@login_required
@require_GET
def results(request):
    form = SearchForm(request.GET, user=request.user)
    scope = _scope(request)
    filters = form.filters(**scope)
    found = query(request.user, form.cleaned_data.get("q", ""), filters=filters,
                  page=_page_number(request.GET.get("page")))
    return render(request, "search/results.html", {
        "form": form, "results": found, "groups": [(key, label, found.counts.get(key, 0)) for key, label, _k in GROUPS],
        "kind": form.cleaned_data.get("kind", ""), "scope": scope})


@login_required
@require_GET
def suggestions(request):
    typed = request.GET.get("q", "")
    parsed, groups = suggest(request.user, typed)
    return render(request, "search/_suggestions.html", {"q": typed, "parsed": parsed, "groups": groups})
