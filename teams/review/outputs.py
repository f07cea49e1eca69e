"""The team's outputs (papers, concepts, events…): recorded and moved through their status.

Services follow the contract in teams/services.py.
"""
import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams.board.attachments import check_upload
from teams.models import StrategicGoal, Team
from teams.permissions import Action, lock_and_require

from .models import Output

MAX_OUTPUT_BYTES = 20 * 1024 * 1024


def team_goals_only(team: Team, goals: Iterable[StrategicGoal | int]) -> bool:
    """Whether every goal (or goal id) is one of the team's own strategic goals."""
    allowed = set(team.goals.values_list("pk", flat=True))
    return all(getattr(goal, "pk", goal) in allowed for goal in goals)


def _validate_output(team: Team, *, title: str, kind: str, status: str, goals: Iterable[StrategicGoal]) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the output a title.")
    if kind not in Output.Kind.values:
        errors["kind"] = _("Unknown kind of output.")
    if status not in Output.Status.values:
        errors["status"] = _("Unknown status.")
    if not team_goals_only(team, goals):
        errors["goals"] = _("An output can only serve the team's own strategic goals.")
    if errors:
        raise ValidationError(errors)


def output_summary(output: Output, goals: Iterable[StrategicGoal]) -> dict:
    return {"output": output.pk, "title": output.title, "kind": output.kind, "status": output.status,
            "date": output.date.isoformat() if output.date else None, "goals": sorted(g.code for g in goals)}


@transaction.atomic
def add_output(actor: User, team: Team, *, title: str, kind: str, status: str = Output.Status.PLANNED,
               date: datetime.date | None = None, link: str = "", file: UploadedFile | None = None,
               goals: Iterable[StrategicGoal] = ()) -> Output:
    team = lock_and_require(actor, Action.CONTRIBUTE, team)
    _validate_output(team, title=title, kind=kind, status=status, goals=goals)
    output = Output(team=team, title=title.strip(), kind=kind, status=status, date=date, link=link or "",
                    created_by=actor)
    if file:
        # Same accepted types and content signatures as board attachments (no HTML, no scripts).
        output.file_name, output.file_content_type = check_upload(file, max_bytes=MAX_OUTPUT_BYTES)
        output.file = file
    output.full_clean(exclude=["team", "file"])
    output.save()
    output.goals.set(goals)
    events.record(team, "output.added", actor, output_summary(output, goals))
    return output


@transaction.atomic
def set_output_status(actor: User, output: Output, *, status: str) -> Output:
    team = lock_and_require(actor, Action.CONTRIBUTE, output.team)
    if status not in Output.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    output = Output.objects.select_for_update().get(pk=output.pk)
    output.status = status
    if status == Output.Status.DONE and not output.date:
        output.date = timezone.localdate()
    output.save(update_fields=["status", "date"])
    events.record(team, "output.updated", actor, output_summary(output, output.goals.all()))
    return output
