"""Concluding a team with its closing report: what it achieved, which outputs, which goals.

Services follow the contract in teams/services.py.
"""
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams import events
from teams import services as team_services
from teams.markup import excerpt
from teams.models import StrategicGoal, Team
from teams.permissions import Action, lock_and_require

from .models import ClosingReport, Output
from .outputs import team_goals_only


@transaction.atomic
def conclude_with_report(actor: User, team: Team, *, summary: str, lessons: str = "",
                         outputs: Iterable[Output] = (), goals_advanced: Iterable[StrategicGoal] = ()
                         ) -> ClosingReport:
    """Concluding needs a closing report: both are written, or neither."""
    team = lock_and_require(actor, Action.CONCLUDE, team)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Summarise what the team achieved.")})
    if ClosingReport.objects.filter(team=team).exists():
        raise ValidationError(_("This team already has a closing report."))
    outputs = list(outputs or [])
    goals_advanced = list(goals_advanced or [])
    if any(output.team_id != team.pk for output in outputs):
        raise ValidationError({"outputs": _("Choose outputs of this team.")})
    if not team_goals_only(team, goals_advanced):
        raise ValidationError({"goals_advanced": _("Choose strategic goals of this team.")})
    team_services.conclude_team(actor, team)  # validates the transition, records team.concluded
    report = ClosingReport.objects.create(team=team, summary=summary, lessons=lessons or "", written_by=actor)
    report.outputs.set(outputs)
    report.goals_advanced.set(goals_advanced)
    events.record(team, "closing_report.written", actor, {
        "report": report.pk, "outputs": [o.pk for o in outputs],
        "goals_advanced": sorted(g.code for g in goals_advanced), "excerpt": excerpt(summary)})
    return report
