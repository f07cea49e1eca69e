"""Audit entries in the Django admin: to read only (ReadOnlyAdmin: no add, change or delete permission, so no
"delete selected" either), for superusers too; the model, its querysets and the database refuse as well."""
from django.contrib import admin

from teams.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "actor", "subject", "team", "seq", "address"]
    list_filter = ["kind"]
    list_select_related = ["actor", "subject", "team"]
    date_hierarchy = "at"
    actions = None
