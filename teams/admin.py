"""Django admin for everything, on the one write path.

Teams and memberships change only through the services (so permissions, guardian rows
and the event log stay right): the team form saves through `update_team`, lifecycle and
member changes are admin actions calling the services, and everything else about a team
or a membership is read-only here. Adding teams happens on the propose/launch pages;
nothing that is in the event log can be deleted. Master plan rows and profiles are edited
directly (reference data, not team changes) but never deleted. Every other model of the project is
read-only here (ReadOnlyAdmin): tests/test_admin_writes.py walks the registry.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from . import membership as membership_services
from . import services
from .models import Event, FieldOfAction, FocalArea, Membership, Profile, StrategicGoal, Team
from .permissions import Action, require


class ReadOnlyAdmin(admin.ModelAdmin):
    """For what changes only through a service (permission, validation, event log): view, never write."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoDelete:
    """Reference data: edited here, never deleted. Teams and cards link to goals (a deleted goal would
    vanish from them without a trace), goals to focal areas, members' rights to profiles."""

    def has_delete_permission(self, request, obj=None):
        return False


class GoalInline(NoDelete, admin.TabularInline):
    model = StrategicGoal
    extra = 0


@admin.register(FocalArea)
class FocalAreaAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["number", "name_en", "name_de"]
    inlines = [GoalInline]


@admin.register(FieldOfAction)
class FieldOfActionAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_de"]


@admin.register(StrategicGoal)
class StrategicGoalAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["code", "title_en", "focal_area"]
    list_filter = ["focal_area"]


@admin.register(Profile)
class ProfileAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    filter_horizontal = ["fields_of_action"]


def _error_text(exc):
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _service_action(name, label, call):
    """An admin action that runs `call(user, obj)` (a service) for each selected row."""
    def action(modeladmin, request, queryset):
        done = 0
        for obj in queryset:
            try:
                call(request.user, obj)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(request, f"{obj}: {_error_text(exc)}", messages.ERROR)
        if done:
            modeladmin.message_user(request, _("%(count)d done.") % {"count": done}, messages.SUCCESS)
    action.short_description = label
    action.__name__ = name
    return action


class TeamAdminForm(forms.ModelForm):
    """Name, purpose, goals and fields; saved by services.update_team (see TeamAdmin.save_model)."""

    class Meta:
        model = Team
        fields = ["name", "purpose", "goals", "fields_of_action"]

    def clean(self):
        data = super().clean()
        try:  # the service's own checks, so a refusal shows on the form instead of after it
            require(self.request.user, Action.EDIT, self.instance)
        except PermissionDenied as exc:
            raise ValidationError(_error_text(exc))
        return data


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamAdminForm
    list_display = ["name", "status", "start_date", "end_date", "last_activity_at"]
    list_filter = ["status", "fields_of_action", "goals__focal_area"]
    search_fields = ["name", "purpose"]
    filter_horizontal = ["goals", "fields_of_action"]
    readonly_fields = ["slug", "status", "start_date", "end_date", "proposed_by", "members", "last_seq",
                       "created_at", "last_activity_at"]
    fieldsets = [
        (None, {"fields": ["name", "purpose", "goals", "fields_of_action"]}),
        (_("Lifecycle (use the actions, or extend on the team page)"),
         {"fields": ["slug", "status", "start_date", "end_date", "proposed_by"]}),
        (_("Members (change them on the team page or under Memberships)"), {"fields": ["members"]}),
        (_("Event log"), {"fields": ["last_seq", "created_at", "last_activity_at"]}),
    ]
    actions = [
        _service_action("launch_teams", _("Launch selected proposals"), services.launch_team),
        _service_action("conclude_teams", _("Conclude selected teams"), services.conclude_team),
        _service_action("archive_teams", _("Archive selected teams"), services.archive_team),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form

    @admin.display(description=_("members"))
    def members(self, team):
        rows = team.memberships.select_related("user").order_by("state", "role")
        return format_html_join("", "<div>{} – {} ({})</div>", (
            (m.user.get_full_name() or m.user.username, m.get_role_display(), m.get_state_display()) for m in rows))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            services.update_team(request.user, obj, name=data["name"], purpose=data["purpose"],
                                 goals=list(data["goals"]), fields_of_action=list(data["fields_of_action"]))
        except (ValidationError, PermissionDenied) as exc:  # raced with a change since the form was checked
            self.message_user(request, _error_text(exc), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        pass  # goals and fields were saved by the service

    def has_add_permission(self, request):
        return False  # teams are proposed or launched through the services' forms

    def has_delete_permission(self, request, obj=None):
        return False  # conclude and archive instead: the event log stays whole

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


def _set_role(role):
    return lambda user, membership: membership_services.change_role(user, membership, role=role)


def _answer(approve):
    return lambda user, membership: membership_services.answer_join_request(user, membership, approve=approve)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Read-only rows; every change is an action that calls the membership service."""

    list_display = ["user", "team", "role", "state", "created_at"]
    list_filter = ["role", "state", "team"]
    search_fields = ["user__username", "user__last_name", "team__name"]
    list_select_related = ["user", "team"]
    actions = [
        _service_action("make_lead", _("Make lead"), _set_role(Membership.Role.LEAD)),
        _service_action("make_expert", _("Make expert"), _set_role(Membership.Role.EXPERT)),
        _service_action("make_supporter", _("Make supporter"), _set_role(Membership.Role.SUPPORTER)),
        _service_action("make_observer", _("Make observer"), _set_role(Membership.Role.OBSERVER)),
        _service_action("approve_requests", _("Approve selected join requests"), _answer(True)),
        _service_action("decline_requests", _("Decline selected join requests"), _answer(False)),
        _service_action("remove_members", _("Remove selected members"), membership_services.remove_member),
    ]

    # Invite on the team page; "Remove selected members" revokes permissions and logs the event.

    def get_actions(self, request):
        # Actions need only the view permission: the services decide who may do what.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["team", "seq", "kind", "actor", "created_at"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        # A private channel's events are its members' only, not staff's (teams/discussion/access.py).
        return super().get_queryset(request).filter(private_channel=None)
