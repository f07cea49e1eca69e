from django.contrib import admin

from .models import DigestSent, MailPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "team", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False  # notifications derive from events only


admin.site.register(MailPreference)
admin.site.register(DigestSent)
