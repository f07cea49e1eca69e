"""My tasks (`/my/tasks/`): every open card assigned to me in the teams I may view, grouped by due date.

Reads in a fixed number of queries whatever the number of cards and teams (the permission check's group
lookups, teams 1, cards 1, their teams' names come with them). Rows are written in Python, like the board's
tiles (teams/board/tiles.py): no template work per card. "Open": not archived, in a live column that is not a
done column, of a team that is not closed (concluded or archived: nobody works on its board again, and no status
leads back). Days are the cluster's (TIME_ZONE, Europe/Berlin): a week ends on Sunday.

Live: the page opens the team socket of every team it lists or where I am an active member (a card can only
be assigned to a member), resumes each after the `last_seq` read here before the cards, and asks for the
list again when an event touches a card of mine (docs/board.md, *My tasks*).
"""
import datetime
from dataclasses import dataclass
from html import escape
from typing import NamedTuple

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from teams import fragments
from teams.models import Membership, Team
from teams.permissions import managed_field_ids, reads_every_team, viewable_teams

from .models import Card

GROUPS = (("overdue", gettext_lazy("Overdue")), ("today", gettext_lazy("Today")),
          ("week", gettext_lazy("This week")), ("later", gettext_lazy("Later")),
          ("none", gettext_lazy("No due date")))


class Task(NamedTuple):
    pk: int
    title: str
    due_date: datetime.date | None
    priority: str
    column_id: int
    column_name: str
    team_slug: str
    team_name: str


@dataclass
class MyTasks:
    groups: list[tuple[str, str, list[Task]]]
    teams: list[Team]  # the teams whose sockets the page opens, each with last_seq


def group_of(due: datetime.date | None, today: datetime.date) -> str:
    if due is None:
        return "none"
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    if due <= today + datetime.timedelta(days=6 - today.weekday()):
        return "week"
    return "later"


def my_tasks(user: User) -> MyTasks:
    visible = viewable_teams(user).exclude(status__in=Team.CLOSED).values("pk")
    # Read before the cards: each team's socket resumes after this seq, so nothing falls between.
    member_of = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values("team_id")
    assigned_in = Card.objects.filter(assignees=user, archived=False).values("team_id")
    teams = list(Team.objects.filter(Q(pk__in=member_of) | Q(pk__in=assigned_in), pk__in=visible)
                 .only("slug", "name", "last_seq").order_by("name"))
    # Tuples, not models: building a Card, a Team and a Column per row was most of the page's time.
    rows = (Card.objects.filter(assignees=user, archived=False, column__archived=False, column__is_done=False,
                                team__in=visible)
            .order_by("due_date", "team__name", "rank", "pk")
            .values_list("pk", "title", "due_date", "priority", "column_id", "column__name", "team__slug",
                         "team__name"))
    today = timezone.localdate()
    by_group: dict[str, list[Task]] = {key: [] for key, _label in GROUPS}
    for row in rows:
        task = Task(*row)
        by_group[group_of(task.due_date, today)].append(task)
    return MyTasks(groups=[(key, str(label), by_group[key]) for key, label in GROUPS], teams=teams)


def rows_html(data: MyTasks) -> SafeString:
    """The groups as HTML: a heading and a list per non-empty group, every text escaped."""
    card_base = reverse("board:card", args=["slug", 0])
    priorities = {value: escape(str(label)) for value, label in Card.Priority.choices}
    parts = []
    for key, label, cards in data.groups:
        if not cards:
            continue
        parts.append(f'<section class="task-group" data-group="{key}" aria-labelledby="group-{key}">'
                     f'<h2 id="group-{key}">{escape(label)} <span class="count">{len(cards)}</span></h2>'
                     '<ul class="task-list">')
        for card in cards:
            url = escape(card_base.replace("/slug/", f"/{card.team_slug}/", 1).replace("/0/", f"/{card.pk}/", 1))
            due = (f' <span class="due">{escape(date_format(card.due_date, "DATE_FORMAT"))}</span>'
                   if card.due_date else "")
            prio = (f' <span class="prio">{priorities.get(card.priority, "")}</span>'
                    if card.priority != "normal" else "")
            parts.append(
                f'<li class="task" id="task-{card.pk}" data-card="{card.pk}" data-team="{escape(card.team_slug)}" '
                f'data-column="{card.column_id}">'
                f'<a class="task-title" href="{url}">{escape(card.title)}</a>'
                f'<span class="task-meta"><span class="team">{escape(card.team_name)}</span> · '
                f'<span class="column">{escape(card.column_name)}</span>{due}{prio}</span></li>')
        parts.append("</ul></section>")
    if not parts:
        parts.append(f'<p class="empty">{escape(_("Nothing is assigned to you. Enjoy the quiet."))}</p>')
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped or a number)


def _page(user: User) -> tuple[str, dict]:
    data = my_tasks(user)
    return str(rows_html(data)), {"me": user.pk, "teams": {team.slug: team.last_seq for team in data.teams}}


@login_required
@require_safe
def my_tasks_page(request):
    """Kept whole per viewer as a fragment of the cluster (teams/fragments.py `cluster_cached`): cards, columns,
    teams' names and seqs, memberships all change through the teams' logs. Which teams the viewer may read changes
    outside them (their cluster bodies and fields: groups and profile, edited in the admin): in the key."""
    user = request.user
    variant = (user.pk, reads_every_team(user), tuple(sorted(managed_field_ids(user))))
    rows, config = fragments.cluster_cached("my-tasks", variant, lambda: _page(user))
    rows = mark_safe(rows)  # noqa: S308 (rows_html escapes every value)
    if request.htmx:  # the live client's refresh: the list only
        return render(request, "board/_my_tasks_list.html", {"rows": rows})
    return render(request, "board/my_tasks.html", {"rows": rows, "config": config, "section": "my_tasks"})
