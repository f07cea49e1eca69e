from django.contrib import admin

from teams.admin import ReadOnlyAdmin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Read-only, as everything that changes through a service; the link's hash is not shown."""

    list_display = ["team", "email", "invitee", "role", "state", "invited_by", "sent_at", "expires_at"]
    list_filter = ["state", "role"]
    search_fields = ["email", "team__name"]
    exclude = ["token_hash"]
