"""The team page's member list as HTML: most rows written in Python, the rare ones by their template.

A team of 500 members spent seconds a request in the template engine (two URLs, a role form, a translated
confirmation and a dozen lookups per row: docs/benchmarks.md). Rows the viewer has nothing special in (not
their own, no stated contribution) are written here with the markup of teams/_member_row.html; the viewer's
own row and rows with a contribution are rendered by that template, which stays the reference.

All rows but the viewer's are the same for every viewer with the same abilities: they are cached per team
version (teams/fragments.py), and the page reads its 500 members only when the team has changed."""
from collections.abc import Callable
from html import escape

from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from . import fragments
from .fragments import CSRF_SLOT
from .models import Membership, Team

TEMPLATE = "teams/_member_row.html"
_SENTINEL = 987654321  # a membership id no real row has: its URL is the pattern every row's URL is made from


def _url_pattern(name: str, team: Team) -> tuple[str, str]:
    before, _sep, after = reverse(name, args=[team.slug, _SENTINEL]).partition(str(_SENTINEL))
    return escape(before), escape(after)


def _organisation(membership: Membership) -> str:
    try:
        organisation = membership.user.profile.organisation
    except ObjectDoesNotExist:  # no profile: the template shows nothing
        return ""
    return "" if organisation is None else escape(str(organisation))


def _contribution(membership: Membership):
    try:
        return membership.contribution
    except ObjectDoesNotExist:  # no contribution stated
        return None


def rows_for(team: Team, members: list[Membership], can: dict) -> list[tuple[int, str]]:
    """(user id, row) for every member, as a viewer who is none of them sees them; CSRF tokens as CSRF_SLOT."""
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_SLOT}">'
    role_url, remove_url = _url_pattern("teams:change_role", team), _url_pattern("teams:remove_member", team)
    roles = [(escape(value), escape(str(label))) for value, label in Membership.Role.choices]
    role_names = dict(Membership.Role.choices)
    words = {"role": escape(_("Role")), "save": escape(_("Save")), "remove": escape(_("Remove"))}
    remove_confirm = _("Remove %(name)s from the team?")
    context = {"team": team, "can": can, "user": None, "csrf_token": CSRF_SLOT}
    rows: list[tuple[int, str]] = []
    for m in members:
        contribution = _contribution(m)
        if can["view"] and contribution and not contribution.is_empty:
            rows.append((m.user_id, render_to_string(TEMPLATE, {**context, "m": m})))
            continue
        user = m.user
        name = escape(user.get_full_name() or user.username)
        row = [f'<li data-user="{escape(user.username)}">'
               f'<span class="avatar" aria-hidden="true">{escape(user.first_name[:1])}{escape(user.last_name[:1])}'
               f'</span> <span class="name">{name}<br><span class="muted">{_organisation(m)}</span> </span> ']
        if can["change_roles"]:
            options = "".join(f'<option value="{value}" {"selected" if value == m.role else ""}>{label}</option>'
                              for value, label in roles)
            row.append(f'<form method="post" action="{role_url[0]}{m.pk}{role_url[1]}" class="inline role-form">'
                       f'{csrf} <select name="role" aria-label="{words["role"]}">{options}</select> '
                       f'<button>{words["save"]}</button> </form> ')
        else:
            row.append(f'<span class="role {escape(m.role)}">{escape(str(role_names.get(m.role, m.role)))}</span> ')
        if can["remove_member"]:
            row.append(f'<form method="post" action="{remove_url[0]}{m.pk}{remove_url[1]}" class="inline" '
                       f'data-confirm="{remove_confirm % {"name": name}}">{csrf} '
                       f'<button class="link danger">{words["remove"]}</button></form> ')
        row.append("</li>\n")
        rows.append((m.user_id, "".join(row)))
    return rows


def member_rows(team: Team, can: dict, members: Callable[[], list[Membership]]) -> list[tuple[int, bytes]]:
    """(user id, row encoded) of the active members, from the fragment cache (teams/fragments.py; `members()` reads
    them when it has none); CSRF tokens as CSRF_SLOT."""
    variant = (can["view"], can["change_roles"], can["remove_member"])
    return fragments.cached("member-rows", team, variant, lambda: [
        (user_id, row.encode()) for user_id, row in rows_for(team, members(), can)])


def own_row(team: Team, can: dict, user, mine: Membership) -> str:
    """The viewer's own row (their contribution link, Leave) by the template, without the request: the token as
    CSRF_SLOT, so that it may be cached for this viewer."""
    return render_to_string(TEMPLATE, {"team": team, "can": can, "user": user, "m": mine, "csrf_token": CSRF_SLOT})


def joined(rows: list[tuple[int, bytes]], own_id: int | None, own: bytes) -> bytes:
    """The rows as one, the viewer's own row in its place (CSRF slots still to fill: fragments.filled)."""
    return b"".join(own if user_id == own_id else row for user_id, row in rows)
