"""Read-only admin: notifications derive from events, preferences are each person's own choice (their
settings page), DigestSent keeps a digest from going out twice."""
from django.contrib import admin

from teams.admin import ReadOnlyAdmin

from .models import DigestSent, MailPreference, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "team", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]


admin.site.register(MailPreference, ReadOnlyAdmin)
admin.site.register(DigestSent, ReadOnlyAdmin)
