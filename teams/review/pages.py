"""The desk's and a team's review page's expensive parts, from the fragment cache (teams/fragments.py).

Both pages show only what the teams' event logs write (cards, outputs, notes, meetings, members, contributions,
the teams' own fields) and names the outside version covers (people, goals), so a key of the teams' versions
holds everything but the clock and the viewer:
- the desk is one fragment for its set of teams (what differs between viewers: a field-of-action manager sees
  their field's teams, cluster management every team, anyone else their own). The key names each team with its
  seq, so two viewers share it only when they see the same teams at the same versions; and it holds what the
  clock changes on the page: each team's "last activity" text and whether it has gone silent (the day is in
  every key);
- a team's review page caches its parts per team version; the viewer's parts (the team's menu, the note form
  for those who review, the export buttons) are rendered per request, the cached note form's token filled in.
"""
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from teams import fragments
from teams.contributions import selectors as contributions
from teams.models import Team

from . import charts, selectors
from .forms import ReviewNoteForm
from .health import desk, desk_teams, silent_before, team_health
from .models import ClosingReport


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 (a template rendered with autoescape)


def desk_html(user) -> SafeString:
    """The desk below its heading: its counts, what needs attention and every team's health."""
    now = timezone.now()
    today = timezone.localdate(now)
    rows = list(desk_teams(user).order_by("pk").values_list("pk", "last_seq", "created_at", "last_activity_at"))
    quiet_since = silent_before(now)
    # Read before the build: what it reads is at least as new as these seqs.
    variant = (today.isoformat(), tuple(
        (pk, seq, created.isoformat(), timesince(active, now), active < quiet_since)
        for pk, seq, created, active in rows))

    def build() -> str:
        teams = Team.objects.filter(pk__in=[pk for pk, *_rest in rows])
        return render_to_string("review/_desk.html", {"desk": desk(teams, today=today, now=now), "now": now})
    return _safe(fragments.cluster_cached("desk", variant, build))


def _review_parts(team: Team) -> dict:
    notes, meetings, outputs = selectors.team_review(team)
    context = {
        "team": team, "health": team_health([team])[0], "notes": notes, "meetings": meetings, "outputs": outputs,
        "closing_report": ClosingReport.objects.filter(team=team).prefetch_related("outputs", "goals_advanced")
        .select_related("written_by").first(),
        "contributed": contributions.totals([team.pk])[team.pk],
    }
    # The empty form: the same for everyone who may post a note; its token is filled in per request.
    form = {"team": team, "note_form": ReviewNoteForm(team=team), "meetings": meetings,
            "csrf_token": fragments.CSRF_SLOT}
    return {
        "progress": render_to_string("review/_team_progress.html", context),
        "burn_up": str(charts.burn_up(selectors.burn_up(team))),
        "notes": render_to_string("review/_notes.html", context),
        "records": render_to_string("review/_team_records.html", context),
        "note_form": render_to_string("review/_note_form.html", form),
        "has_meetings": bool(meetings),
    }


def review_parts(team: Team) -> dict:
    """What a team's review page shows of the team: the same for every viewer (read team.last_seq before)."""
    parts = fragments.cached("review", team, (), lambda: _review_parts(team))
    return {name: _safe(value) if isinstance(value, str) else value for name, value in parts.items()}


def note_form_html(request, parts: dict) -> SafeString:
    return _safe(fragments.with_csrf(request, parts["note_form"]))
