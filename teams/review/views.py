"""Thin views of supervision and review: parse, call a service or selector, render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.contributions import selectors as contributions
from teams.models import Team
from teams.permissions import (
    Action,
    can,
    can_download_report,
    can_export_report,
    can_schedule_reviews,
    can_see_meeting,
    can_write_minutes,
    require,
    team_abilities,
    viewable_teams,
)
from teams.uploads import protected_file_response
from teams.views import apply, posted, team_or_404, viewable_team_or_404

from . import charts, closing, pages, reports, rollups, selectors
from . import meetings as meeting_services
from . import outputs as output_services
from .forms import (
    ClosingReportForm,
    MeetingForm,
    MinutesForm,
    OutputForm,
    OutputStatusForm,
    ReportRequestForm,
    ReviewNoteForm,
)
from .models import Output, ReportExport, ReviewMeeting


@login_required
def desk(request):
    return render(request, "review/desk.html", {"desk_html": pages.desk_html(request.user)})


@login_required
def overview(request):
    review = rollups.review(request.user)
    return render(request, "review/overview.html", {
        "review": review, "coverage_chart": charts.goal_coverage(review.goals),
        "can_export": can_export_report(request.user), "contributions": contributions.per_team(review.teams),
    })


@login_required
def unworked_goals(request):
    review = rollups.review(request.user)
    return render(request, "review/unworked.html", {"review": review})


def _team_page_context(request, team, note_form=None):
    """The team's parts from the fragment cache, the viewer's per request; a form with errors is never cached."""
    seq = team.last_seq  # read before the parts: the page's live client resumes after it
    parts = pages.review_parts(team)
    can = team_abilities(request.user, team)
    return {
        "team": team, "can": can, "section": "review", "parts": parts, "seq": seq,
        "note_form": note_form, "meetings": parts["has_meetings"],
        "note_form_html": pages.note_form_html(request, parts) if can["review"] and not note_form else "",
        "can_export": can_export_report(request.user, team),
    }


@login_required
def team_review(request, slug):
    team = viewable_team_or_404(request.user, slug)
    return render(request, "review/team_review.html", _team_page_context(request, team))


@login_required
def team_notes(request, slug):
    """The notes list alone (htmx: reloaded when a review_note.added event arrives)."""
    team = viewable_team_or_404(request.user, slug)
    return HttpResponse(pages.review_parts(team)["notes"])


@login_required
@require_POST
def add_note(request, slug):
    team = viewable_team_or_404(request.user, slug)
    require(request.user, Action.REVIEW, team)
    form = ReviewNoteForm(request.POST, team=team)
    note = apply(form, lambda data: meeting_services.add_review_note(request.user, team, **data))
    if note:
        messages.success(request, _("Your review note is posted."))
        return redirect(reverse("review:team", args=[team.slug]) + "#notes")
    return render(request, "review/team_review.html", _team_page_context(request, team, note_form=form),
                  status=400)


@login_required
def outputs(request, slug):
    team = viewable_team_or_404(request.user, slug)
    form = OutputForm(posted(request), request.FILES or None, team=team)
    if request.method == "POST":
        require(request.user, Action.CONTRIBUTE, team)
        if apply(form, lambda data: output_services.add_output(request.user, team, **data)):
            messages.success(request, _("Output recorded."))
            return redirect("review:outputs", slug=team.slug)
    return render(request, "review/outputs.html", {
        "team": team, "can": team_abilities(request.user, team), "section": "outputs", "form": form,
        "outputs": selectors.team_review(team)[2], "statuses": Output.Status.choices})


@login_required
@require_POST
def output_status(request, slug, output_id):
    team = viewable_team_or_404(request.user, slug)
    require(request.user, Action.CONTRIBUTE, team)
    output = get_object_or_404(Output, pk=output_id, team=team)
    form = OutputStatusForm(request.POST)
    if apply(form, lambda data: output_services.set_output_status(request.user, output, **data)):
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Unknown status."))
    return redirect("review:outputs", slug=team.slug)


@login_required
def output_file(request, slug, output_id):
    team = viewable_team_or_404(request.user, slug)
    output = get_object_or_404(Output, pk=output_id, team=team)
    if not output.file:
        raise Http404
    # The type check_upload found when the file came in, never the one the upload claimed.
    return protected_file_response(output.file, filename=output.file_name or "output",
                                   content_type=output.file_content_type or "application/octet-stream")


@login_required
def conclude(request, slug):
    """Concluding a team: the closing report first (replaces teams:conclude on the team page)."""
    team = team_or_404(slug)
    require(request.user, Action.CONCLUDE, team)
    form = ClosingReportForm(posted(request), team=team)
    if request.method == "POST" and apply(form, lambda data: closing.conclude_with_report(request.user, team, **data)):
        messages.success(request, _("The team is concluded; its closing report is on its review page."))
        return redirect("teams:detail", slug=team.slug)
    return render(request, "review/conclude.html", {"team": team, "form": form,
                                                    "can": team_abilities(request.user, team)})


@login_required
def meetings(request):
    teams = viewable_teams(request.user).exclude(status=Team.Status.ARCHIVED).order_by("name")
    may_schedule = can_schedule_reviews(request.user)
    form = MeetingForm(posted(request), teams=teams) if may_schedule else None
    if request.method == "POST":
        if not may_schedule:
            raise PermissionDenied(_("Only the advisory board and cluster management schedule reviews."))
        meeting = apply(form, lambda data: meeting_services.schedule_review(request.user, **data))
        if meeting:
            messages.success(request, _("The review is scheduled; the agenda is drawn from the teams' progress."))
            return redirect("review:meeting", meeting_id=meeting.pk)
    return render(request, "review/meetings.html", {"meetings": selectors.meetings_for(request.user),
                                                    "form": form})


def _meeting_or_404(user, meeting_id):
    meeting = get_object_or_404(ReviewMeeting.objects.prefetch_related(
        "teams__fields_of_action", "notes__author", "notes__team__fields_of_action"),
                                pk=meeting_id)
    teams = list(meeting.teams.all())
    if not can_see_meeting(user, teams):
        raise Http404
    return meeting, teams


@login_required
def meeting(request, meeting_id):
    meeting, teams = _meeting_or_404(request.user, meeting_id)
    may_write = can_write_minutes(request.user, teams)
    form = MinutesForm(posted(request), initial={"minutes": meeting.minutes}) if may_write else None
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(_("Only the advisory board and cluster management record minutes."))
        if apply(form, lambda data: meeting_services.record_minutes(request.user, meeting, **data)):
            messages.success(request, _("Minutes saved."))
            return redirect("review:meeting", meeting_id=meeting.pk)
    visible_notes = [n for n in meeting.notes.all() if can(request.user, Action.VIEW, n.team)]
    return render(request, "review/meeting.html", {"meeting": meeting, "teams": teams, "form": form,
                                                   "notes": visible_notes})


# Reports ---------------------------------------------------------------------------------

@login_required
@require_POST
def request_report(request):
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _("Choose CSV or PDF.")}, status=400)
    team = None
    if form.cleaned_data["team"]:
        team = viewable_team_or_404(request.user, form.cleaned_data["team"])
    export = reports.request_report(request.user, team=team, format=form.cleaned_data["format"])
    return redirect("review:report", export_id=export.pk)


def _export_or_404(user, export_id):
    export = get_object_or_404(ReportExport.objects.select_related("team"), pk=export_id)
    if not can_download_report(user, export):
        raise Http404
    return export


def _status(export):
    return {"id": export.pk, "status": export.status, "progress": export.progress, "label": export.get_status_display(),
            "download": reverse("review:download", args=[export.pk]) if export.status == "done" else None,
            "error": export.error}


@login_required
def report(request, export_id):
    export = _export_or_404(request.user, export_id)
    return render(request, "review/report.html", {"export": export, "status": _status(export)})


@login_required
def report_status(request, export_id):
    return JsonResponse(_status(_export_or_404(request.user, export_id)))


@login_required
def download(request, export_id):
    export = _export_or_404(request.user, export_id)
    if export.status != ReportExport.Status.DONE or not export.file:
        raise Http404
    content_type = "text/csv; charset=utf-8" if export.format == "csv" else "application/pdf"
    response = protected_file_response(export.file, filename=export.filename, content_type=content_type)
    reports.downloaded(request.user, export)  # after the file was found: a 404 took nothing away
    return response
