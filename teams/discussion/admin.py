"""Admin for the discussion: read-only views; removing a message goes through the service (event log).

Private channels and their messages are not here: only their members read them, not staff (docs/realtime.md)."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from teams.admin import ReadOnlyAdmin

from .messages import delete_message
from .models import Channel, DiscussionSettings, Message


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdmin):
    list_display = ["name", "team", "topic", "card_id", "created_at"]
    list_filter = ["team"]
    search_fields = ["name", "topic"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(private=False)


@admin.action(description=_("Delete selected messages (recorded in the team's event log)"))
def delete_messages(modeladmin, request, queryset):
    for message in queryset.select_related("team"):
        try:
            delete_message(request.user, message.team, message=message.pk)
        except (PermissionDenied, ValidationError) as exc:
            modeladmin.message_user(request, f"{message}: {' '.join(getattr(exc, 'messages', [str(exc)]))}",
                                    messages.ERROR)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["pk", "channel", "team", "author", "created_at", "edited_at", "deleted_at"]
    list_filter = ["team"]
    search_fields = ["body"]
    actions = [delete_messages]
    list_select_related = ["channel", "team", "author"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(channel__private=False)


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(ReadOnlyAdmin):
    list_display = ["team", "team_mention"]
