"""Audit entries in the Django admin: to read only. No add, change or delete permission, no delete action, for
superusers too (the model, its querysets and the database refuse as well)."""
from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "actor", "subject", "team", "seq", "address"]
    list_filter = ["kind"]
    list_select_related = ["actor", "subject", "team"]
    date_hierarchy = "at"
    actions = None  # no "delete selected"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
