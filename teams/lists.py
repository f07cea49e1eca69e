"""The pages that list teams: "My teams" and the directory ("All teams").

Both show only what the teams' event logs change (names, purposes, dates, goals, members and roles, join
requests; names and goal titles through the outside version), so each is kept whole as one fragment of the
cluster (`fragments.cluster_cached`: keyed by the sum of every team's last seq): "My teams" per viewer (their teams,
roles and join requests) and their cluster roles, the directory unfiltered per page number (filtered lists are
rendered per request: a cache per free-text query would only push out other fragments). Per request: which
invitations for the viewer are still open (they expire by the clock: in the key), CSRF tokens, the layout.
"""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from . import fragments, selectors
from .filters import TeamDirectoryFilter
from .invitations.models import Invitation
from .permissions import can_launch_teams, reads_every_team

DIRECTORY_PAGE_SIZE = 25


@login_required
def my_teams(request):
    user = request.user
    may_launch, reads_all = can_launch_teams(user), reads_every_team(user)
    # The invitations for the viewer are events of their teams, but one expires by the clock: the open ones' ids
    # are part of the key (one small query).
    open_ones = Invitation.objects.filter(invitee=user, state=Invitation.State.PENDING, expires_at__gt=timezone.now())
    invited = tuple(open_ones.values_list("pk", flat=True).order_by("pk"))
    content = fragments.cluster_cached("my-teams", (user.pk, may_launch, reads_all, invited), lambda: render_to_string(
        "teams/_my_teams.html", {
            "user": user, "teams": selectors.my_teams(user), "join_requests": selectors.my_join_requests(user),
            "can_launch_teams": may_launch, "reads_every_team": reads_all,  # the reviewing bodies: no "ask to join"
            "csrf_token": fragments.CSRF_SLOT,
        }))
    return render(request, "teams/my_teams.html", {"content": mark_safe(fragments.with_csrf(request, content))})  # noqa: S308


@login_required
def directory(request):
    template = "teams/_directory_rows.html" if request.htmx else "teams/_directory_listing.html"

    def listing() -> str:
        team_filter = TeamDirectoryFilter(request.GET, queryset=selectors.directory())
        # get_page: a junk page number shows the first page, one past the end the last.
        page = Paginator(team_filter.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        # With the request: the page links keep the query ({% querystring %}); nothing in the list is personal.
        return render_to_string(template, {"filter": team_filter, "page": page}, request=request)
    number = request.GET.get("page", "1")
    if set(request.GET) <= {"page"} and number.isascii() and number.isdigit() and len(number) < 5:
        html = fragments.cluster_cached("directory", (template, number), listing)
    else:
        html = listing()
    if request.htmx:
        return HttpResponse(html)
    return render(request, "teams/directory.html", {"listing": mark_safe(html)})  # noqa: S308 (a rendered template)
