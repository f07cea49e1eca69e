"""Read-only admin: every change goes through the review services (deleting a job run would re-arm
its reminder, a review note or closing report would vanish from the event log's story)."""
from django.contrib import admin

from teams.admin import ReadOnlyAdmin

from .models import ClosingReport, JobRun, Output, ReportExport, ReviewMeeting, ReviewNote

for model in (Output, ClosingReport, ReviewNote, ReviewMeeting, ReportExport, JobRun):
    admin.site.register(model, ReadOnlyAdmin)
