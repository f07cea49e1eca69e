"""Read-only admin: notifications derive from events, preferences are each person's own choice (their
settings page), DigestSent keeps a digest from going out twice."""
from django.contrib import admin

from teams.admin import ReadOnlyAdmin

from .models import DigestSent, MailPreference, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "team", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        # Those about a private channel's messages are its members' only, not staff's.
        return super().get_queryset(request).exclude(event__private_channel__isnull=False)


admin.site.register(MailPreference, ReadOnlyAdmin)
admin.site.register(DigestSent, ReadOnlyAdmin)
