"""The audit log for cluster management: /audit/ (filtered, 50 a page) and /audit/export.csv (the filtered set,
every row, streamed). Reading is the one rule of access.py; the export is itself audited."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from . import export
from .access import can_read_audit
from .filters import AuditFilter
from .kinds import describe
from .models import AuditEntry
from .trail import record

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> AuditFilter:
    if not can_read_audit(request.user):
        raise PermissionDenied
    return AuditFilter(request.GET, queryset=AuditEntry.objects.select_related("actor", "subject", "team"))


@login_required
@require_safe
def audit_log(request):
    audit_filter = _filtered(request)
    # get_page: a junk page number shows the first page, one past the end the last.
    page = Paginator(audit_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.what = describe(entry)
    return render(request, "audit/log.html", {"filter": audit_filter, "page": page})


@login_required
@require_safe
def audit_export(request):
    audit_filter = _filtered(request)
    entries = audit_filter.qs
    record("audit.exported", actor=request.user, detail={"filters": audit_filter.applied(), "rows": entries.count()})
    response = StreamingHttpResponse(export.csv_lines(entries, translation.get_language()),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
