"""Thin views of search: the results page (with filters, paging, and scoped to a channel or a board), and the
header box's suggestions while typing. Both ask teams.search.query, which applies the permissions itself."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from teams import fragments
from teams.discussion.access import may_read
from teams.discussion.models import Channel
from teams.permissions import can_view
from teams.views import viewable_team_or_404

from . import sql
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
@require_safe
def results(request):
    readable = sql.audience(request.user)
    form = SearchForm(request.GET, teams=readable.teams)
    scope = _scope(request)  # checked on every request: a cached page never answers for a channel one may not read
    filters = form.filters(**scope)

    def build() -> str:
        found = query(request.user, form.cleaned_data.get("q", ""), filters=filters,
                      page=_page_number(request.GET.get("page")), readable=readable)
        return render_to_string("search/_results.html", {
            "form": form, "results": found, "kind": form.cleaned_data.get("kind", ""), "scope": scope,
            "groups": [(key, label, found.counts.get(key, 0)) for key, label, _k in GROUPS]}, request)

    # The page is what the query string asks of what the audience reads (ids, never the viewer's own: people
    # who read the same share it), as of the newest event; a form with errors is never kept.
    body = build() if form.errors else fragments.cluster_cached(
        "search", (readable.variant, request.GET.urlencode()), build)
    return render(request, "search/results.html", {"form": form, "body": body})


@login_required
@require_safe
def suggestions(request):
    typed = request.GET.get("q", "")
    parsed, groups = suggest(request.user, typed)
    return render(request, "search/_suggestions.html", {"q": typed, "parsed": parsed, "groups": groups})
