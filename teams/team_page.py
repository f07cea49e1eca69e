"""The team page from three cached parts: the member rows (teams/member_rows.py), the viewer's part (their
membership's state and own row) and the overview around the rows, each per team version (teams/fragments.py).

The purpose, goals, dates, members, join requests, contributions and recent activity all change through the team's
event log (names and goal titles through the outside version), so teams/_team_overview.html is rendered once per
change, abilities and viewer state, without the request. Pending invitations are in it too, but two things of
theirs are not events: the mail job's `mailed_at` and the moment one expires; the overview's key holds both for
each pending invitation (one small query, only for those who see invitations). Per request: CSRF tokens.
"""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from . import fragments, selectors
from .activity import recent_activity
from .invitations.models import Invitation
from .member_rows import joined, member_rows, own_row
from .models import Membership, Team
from .permissions import team_abilities

# Where the cached overview takes the rows: an HTML comment, which escaped user text never is.
ROWS_SLOT = "<!--member-rows-of-a-cached-fragment-->"


def _viewer(team: Team, user, can: dict) -> tuple[str | None, int | None, bytes]:
    """The viewer's membership state (None: not a member), and their own row if they are an active member."""
    mine = selectors.membership_for_page(team, user)
    if mine is None or mine.state != Membership.State.ACTIVE:
        return (None if mine is None else mine.state), None, b""
    return mine.state, mine.user_id, own_row(team, can, user, mine).encode()


def _invitations_state(team: Team, can: dict) -> tuple:
    """What the pending invitations show that is not in the team's log: mailed yet, expired yet (for the key)."""
    if not can["invite"]:
        return ()
    now = timezone.now()
    return tuple((pk, mailed is not None, expires <= now) for pk, mailed, expires in Invitation.objects.filter(
        team=team, state=Invitation.State.PENDING).values_list("pk", "mailed_at", "expires_at").order_by("pk"))


def _overview(team: Team, can: dict, my_state: str | None, member_count: int) -> str:
    selectors.with_page_data(team)
    return render_to_string("teams/_team_overview.html", {
        "team": team, "can": can, "section": "overview", "member_count": member_count, "my_state": my_state,
        "member_rows": mark_safe(ROWS_SLOT),  # noqa: S308 (a constant)
        "requests": selectors.members_for_page(team, Membership.State.REQUESTED) if can["approve_join"] else [],
        "recent_events": recent_activity(team) if can["view"] else [], "csrf_token": fragments.CSRF_SLOT,
    })


@login_required
def team_detail(request, slug):
    try:
        team = selectors.team_for_page(slug)
    except Team.DoesNotExist:
        raise Http404
    can = team_abilities(request.user, team)
    # Memberships change through the log too: the viewer's state and own row are cached for them, per version.
    my_state, own_id, own = fragments.cached("team-viewer-row", team, (request.user.pk, *sorted(can.items())),
                                             lambda: _viewer(team, request.user, can))
    rows = member_rows(team, can, lambda: selectors.members_for_page(team))
    variant = (tuple(sorted(can.items())), my_state, _invitations_state(team, can))
    head, tail = fragments.cached("team-overview", team, variant, lambda: tuple(
        part.encode() for part in _overview(team, can, my_state, len(rows)).split(ROWS_SLOT, 1)))
    content = fragments.filled(request, b"".join((head, joined(rows, own_id, own), tail)))
    return fragments.page(request, "teams/team_detail.html", {"team": team, "can": can}, content)
