"""Read-only admin: every change goes through teams.review.services."""
from django.contrib import admin

from .models import ClosingReport, JobRun, Output, ReportExport, ReviewMeeting, ReviewNote


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for model in (Output, ClosingReport, ReviewNote, ReviewMeeting, ReportExport, JobRun):
    admin.site.register(model, ReadOnly)
