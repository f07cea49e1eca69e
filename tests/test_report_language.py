"""Progress reports in the requesting person's language (11.12) and with one notion of a team's state (11.20)."""
import io

import pytest
from pypdf import PdfReader

from teams.notify import services as notify
from teams.review import reports as review_reports
from teams.review.models import ReportExport

pytestmark = pytest.mark.django_db


def report(user, team, format):
    export = ReportExport.objects.create(requested_by=user, team=team, format=format)
    review_reports.build_report(export.pk)
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE, export.error
    with export.file.open("rb") as stored:
        data = stored.read()
    if format == "csv":
        return data.decode("utf-8-sig")
    # Table cells wrap inside words' gaps: compare the text with single spaces.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.parametrize("format", ["csv", "pdf"])
def test_reports_are_in_the_language_the_person_chose(people, team, format):
    notify.remember_language(people["advisor"], language="de")
    german = report(people["advisor"], team, format)
    assert "Überfällige Aufgaben" in german and "Aktiv" in german and "Overdue" not in german
    notify.remember_language(people["advisor"], language="en")
    english = report(people["advisor"], team, format)
    assert "Tasks overdue" in english and "Active" in english and "Überfällig" not in english
    if format == "pdf":
        assert "Fortschrittsbericht: Data Spaces" in german and "Progress report: Data Spaces" in english
