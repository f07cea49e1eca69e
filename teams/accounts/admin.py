"""Django's user admin, with (de)activation through the accounts service, which also ends the person's
sessions: the admin is not a second way to deactivate someone half-way."""
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from . import services


class AccountAdmin(UserAdmin):
    def save_model(self, request, obj, form, change):
        if not (change and "is_active" in form.changed_data):
            return super().save_model(request, obj, form, change)
        wanted = obj.is_active
        obj.is_active = not wanted  # the other fields are saved here; the service makes this change
        super().save_model(request, obj, form, change)
        try:
            services.set_active(request.user, obj, active=wanted)
        except (PermissionDenied, ValidationError) as refused:
            self.message_user(request, " ".join(getattr(refused, "messages", [str(refused)])), messages.ERROR)
        else:
            obj.is_active = wanted


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
