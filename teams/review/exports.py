"""Progress reports as CSV (csv module) and PDF (fpdf2), built by the Celery worker."""
import csv
import io
import os
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from teams.models import Team
from teams.notify.services import language_of
from teams.permissions import viewable_teams

from .health import team_health
from .models import ReportExport

Progress = Callable[[float], None]  # told the percentage done
FONT_DIRS = ["/usr/share/fonts/truetype/dejavu"]


def _teams(export: ReportExport) -> QuerySet[Team]:
    if export.team_id:
        return Team.objects.filter(pk=export.team_id)
    return viewable_teams(export.requested_by).exclude(status=Team.Status.PROPOSED)


def rows(export: ReportExport, progress: Progress) -> tuple[list[str], list[list]]:
    teams = team_health(_teams(export))
    progress(40)
    header = [_("Team"), _("Status"), _("Start"), _("End"), _("Days left"), _("Strategic goals"),
              _("Fields of action"), _("Members"), _("Tasks done"), _("Tasks open"), _("Tasks overdue"),
              _("Outputs delivered"), _("Outputs planned or in progress"), _("Join requests"), _("Last activity")]
    body = []
    for team in teams:
        active = team.phase == Team.Phase.ACTIVE  # an ended or concluded team has no days left, nothing overdue
        body.append([
            team.name, team.phase_label, team.start_date.isoformat(), team.end_date.isoformat(),
            team.days_remaining if active else "", " ".join(g.code for g in team.goals.all()),
            " / ".join(f.code for f in team.fields_of_action.all()), team.member_total, team.tasks_done,
            team.tasks_open, team.tasks_overdue if active else "", team.outputs_done,
            team.outputs_total - team.outputs_done,
            team.pending_requests, timezone.localtime(team.last_activity_at).strftime("%Y-%m-%d %H:%M"),
        ])
    progress(70)
    return header, body


def _safe_cell(value):
    """Cells starting like a formula would run in a spreadsheet: prefix them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def build_csv(export: ReportExport, progress: Progress) -> bytes:
    header, body = rows(export, progress)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in body:
        writer.writerow([_safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with the BOM


def _font(pdf):
    for folder in FONT_DIRS:
        regular, bold = os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular) and os.path.exists(bold):
            pdf.add_font("DejaVu", "", regular)
            pdf.add_font("DejaVu", "B", bold)
            return "DejaVu", str
    # The built-in font knows Latin-1 only: replace what it cannot show.
    return "Helvetica", lambda text: str(text).encode("latin-1", "replace").decode("latin-1")


def build_pdf(export: ReportExport, progress: Progress) -> bytes:
    header, body = rows(export, progress)
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    family, text = _font(pdf)
    pdf.add_page()
    pdf.set_font(family, "B", 15)
    title = export.team.name if export.team is not None else _("All topic teams")
    pdf.cell(0, 9, text(_("Progress report: %(scope)s") % {"scope": title}), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    pdf.cell(0, 6, text(_("Built %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    columns = [0, 1, 3, 4, 5, 8, 9, 10, 11]  # the readable subset; the CSV has everything
    widths = [62, 22, 24, 18, 50, 22, 22, 24, 28]
    pdf.set_font(family, "B", 8)
    with pdf.table(col_widths=widths, text_align="LEFT", first_row_as_headings=True) as table:
        row = table.row()
        for index in columns:
            row.cell(text(header[index]))
        pdf.set_font(family, "", 8)
        for line in body:
            row = table.row()
            for index in columns:
                row.cell(text(line[index]))
    progress(90)
    return bytes(pdf.output())


def build(export: ReportExport, progress: Progress) -> bytes:
    with translation.override(language_of(export.requested_by)):
        if export.format == "csv":
            return build_csv(export, progress)
        return build_pdf(export, progress)
