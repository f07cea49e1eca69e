"""The board page: everything between the layout and the viewer is one cached string per team version.

A board of 500 cards spent most of a warm request rendering around its cached tiles: the assignee filter's 500
people, the columns' menus, the config's JSON. The whole content block (board/_board.html) is now rendered once
per team version, filter (and viewer, for "mine") and abilities, without the request, so nothing personal can
enter it; per request only the CSRF slots and the viewer's id in the config (ME_SLOT) are filled in.
"""
from dataclasses import astuple

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from teams import fragments
from teams.models import Team
from teams.permissions import Action, can_change_board, can_view, team_abilities

from . import selectors
from .labels import PALETTE
from .models import Card
from .tiles import tiles_html

# Where the cached config holds the viewer's id (a user id no real user has): a number, as board.js compares it
# with frames' actors; in the page's JSON only as `"me": ME_SLOT` (user text there is a string, its quotes escaped).
ME_SLOT = 987654321987
_ME = f'"me": {ME_SLOT}'


def _text() -> dict:
    """The words board.js writes (in the config: the page's language)."""
    return {
        "moved": _("Moved “%(title)s” to %(column)s, position %(position)s."),
        "movedOverLimit": _("Moved “%(title)s” to %(column)s, position %(position)s. WIP limit exceeded."),
        "stale": _("Someone else changed this card a moment ago; it now shows where it really is."),
        "offline": _("You are offline: the board is read-only until the connection is back."),
        "due": _("Due"),
        "overdue": _("Overdue"),
        "checklist": _("Checklist"),
        "comments": _("Comments"),
        "attachments": _("Attachments"),
        "top": _("top"),
        "priority": {value: str(label) for value, label in Card.Priority.choices},
        "confirmArchive": _("Archive this card? It disappears from the board."),
        "confirmArchiveColumn": _("Archive this column? It must be empty."),
        "removed": _("This card was archived."),
        "movedUndo": _("Card moved"),
        "archivedUndo": _("Card archived"),
        "undone": _("Undone."),
        "saved": _("Saved"),
        "confirmDeleteLabel": _("Delete the label “%(name)s”? It is removed from every card."),
    }


def _content(team, user, board_filter, seq, abilities, can_edit) -> str:
    """board/_board.html for this team version, filter and abilities: columns with their tiles written out,
    the filters' choices, the config with the board's people; CSRF tokens as CSRF_SLOT, the viewer as ME_SLOT."""
    prefetch_related_objects([team], "goals")
    text = _text()
    data = selectors.board(team, user, board_filter)
    card_base = reverse("board:card", args=[team.slug, 0])[:-2]
    for column in data.columns:
        column.tiles_html = tiles_html(  # type: ignore[attr-defined]  # what board/_column.html shows
            column.tiles, card_base=card_base, can_contribute=abilities["contribute"], text=text)
        column.tiles = []
    goals = selectors.team_goals(team)
    config = {
        "slug": team.slug, "seq": seq, "me": ME_SLOT,
        "canContribute": abilities["contribute"], "canEdit": can_edit,
        "people": {str(person.pk): {"name": person.get_full_name() or person.username,
                                    "initials": selectors.initials(person)} for person in data.members},
        "goals": {str(goal.pk): goal.code for goal in goals},
        "today": str(timezone.localdate()),
        # Tiles that board.js draws write due dates as the server does (DATE_FORMAT, this language).
        "dateFormat": {"format": get_format("DATE_FORMAT"), "months": [str(MONTHS[m]) for m in range(1, 13)],
                       "monthsShort": [str(MONTHS_3[m]).title() for m in range(1, 13)]},
        "cardUrl": f"/teams/{team.slug}/board/cards/0/",
        "text": text,
        "views": {"unassigned": _("Unassigned"), "noGoal": _("No goal")},  # swimlanes (board_views.js)
    }
    return render_to_string("board/_board.html", {
        "team": team, "section": "board", "can": abilities, "board": data, "goals": goals,
        "config": config, "priorities": Card.Priority.choices, "csrf_token": fragments.CSRF_SLOT,
        "column_template": {"pk": 0, "name": "", "rank": "", "wip_limit": None, "is_done": False,
                            "enforce_wip": False, "card_count": 0, "tiles": []},
        "palette": [(key, name) for key, (_hex, name) in PALETTE.items()],
        "label_template": {"pk": 0, "name": "", "color": "slate"},
    })


@login_required
@require_safe
def board(request, slug):
    team = get_object_or_404(Team, slug=slug)
    if not can_view(request.user, team):
        raise Http404
    seq = team.last_seq  # the state below is at least this new; the client resumes after it
    board_filter = selectors.BoardFilter.from_query(request.GET)
    abilities = team_abilities(request.user, team)
    can_edit = can_change_board(request.user, Action.EDIT, team)
    # The filter's "mine" makes the board the viewer's own; otherwise it is the same for all who see it.
    variant = (astuple(board_filter), request.user.pk if board_filter.mine else None, abilities["contribute"],
               can_edit)
    content = fragments.cached("board-page", team, variant,
                               lambda: _content(team, request.user, board_filter, seq, abilities, can_edit).encode())
    return fragments.page(request, "board/board.html", {"team": team},
                          fragments.filled(request, content, {_ME: f'"me": {int(request.user.pk)}'}))
