"""Django admin for everything. Team changes go through the services (admin actions), so
the event log and permissions stay right; master plan rows are editable directly."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from . import services
from .models import Event, FieldOfAction, FocalArea, Membership, Profile, StrategicGoal, Team


class GoalInline(admin.TabularInline):
    model = StrategicGoal
    extra = 0


@admin.register(FocalArea)
class FocalAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name_en", "name_de"]
    inlines = [GoalInline]


@admin.register(FieldOfAction)
class FieldOfActionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_de"]


@admin.register(StrategicGoal)
class StrategicGoalAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "focal_area"]
    list_filter = ["focal_area"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    filter_horizontal = ["fields_of_action"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    readonly_fields = ["user", "role", "state", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # members are added through the team page (the membership service)


def _lifecycle_action(service, label):
    def action(modeladmin, request, queryset):
        for team in queryset:
            try:
                service(request.user, team)
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(request, f"{team}: {' '.join(getattr(exc, 'messages', [str(exc)]))}",
                                        messages.ERROR)
    action.short_description = label
    action.__name__ = f"{service.__name__}_action"
    return action


@admin.register(Team)
class TeamAdmin(GuardedModelAdmin):
    list_display = ["name", "status", "start_date", "end_date", "last_activity_at"]
    list_filter = ["status", "fields_of_action", "goals__focal_area"]
    search_fields = ["name", "purpose"]
    readonly_fields = ["slug", "status", "last_seq", "created_at", "last_activity_at", "proposed_by"]
    inlines = [MembershipInline]
    actions = [_lifecycle_action(services.conclude_team, _("Conclude selected teams")),
               _lifecycle_action(services.archive_team, _("Archive selected teams"))]

    def has_add_permission(self, request):
        return False  # teams are launched or proposed through the services' forms


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["team", "seq", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
