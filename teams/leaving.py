"""Leaving a team (or withdrawing a join request), from the person's own "Leave" button.

The team's last lead may not simply leave (a team needs a lead): the refusal is this same page with a choice of
the new lead, and "Hand over and leave" does both in one step (membership.hand_over_and_leave)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import membership as membership_services
from .forms import BoundedChoiceField, add_service_errors
from .models import Membership, Team
from .views import posted, team_or_404


class SuccessorField(BoundedChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.get_full_name() or obj.user.username} ({obj.get_role_display()})"


class LeaveForm(forms.Form):
    successor = SuccessorField(label=gettext_lazy("New lead"), queryset=Membership.objects.none(), required=False,
                               empty_label=gettext_lazy("Choose a member"),
                               error_messages={
                                   "required": gettext_lazy("A team needs a lead: choose who leads it after you."),
                                   "invalid_choice": gettext_lazy("Choose another member of this team as the new "
                                                                  "lead.")})

    def __init__(self, *args, team: Team, membership: Membership, last_lead: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        assert isinstance(field, SuccessorField)
        field.queryset = (Membership.objects.filter(team=team, state=Membership.State.ACTIVE, user__is_active=True)
                          .exclude(pk=membership.pk).select_related("user")
                          .order_by("role", "user__last_name", "user__first_name"))
        field.required = last_lead
        if not last_lead:
            del self.fields["successor"]


@login_required
def leave(request, slug):
    team = team_or_404(slug)
    membership = Membership.objects.select_related("user").filter(team=team, user=request.user).first()
    if membership is None:
        raise Http404
    last_lead = membership_services.is_last_lead(membership)
    form = LeaveForm(posted(request), team=team, membership=membership, last_lead=last_lead)
    if request.method == "POST" and form.is_valid():
        successor = form.cleaned_data.get("successor")
        try:
            if last_lead and successor is not None:
                membership_services.hand_over_and_leave(request.user, membership, successor=successor)
                messages.success(request, _("%(name)s leads the team now; you have left it.") % {
                    "name": successor.user.get_full_name() or successor.user.username})
            else:
                membership_services.remove_member(request.user, membership)
                messages.success(request, _("You have left the team.") if membership.state == Membership.State.ACTIVE
                                 else _("Your join request is withdrawn."))
            return redirect("teams:detail", slug=team.slug)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "teams/leave.html", {
        "team": team, "form": form, "last_lead": last_lead, "membership": membership,
        "alone": last_lead and "successor" in form.fields and not form.fields["successor"].queryset.exists()})
