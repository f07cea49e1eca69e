"""The member's own contribution form (from their line on the team page). Thin: services.state_contribution
checks and writes."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from teams.forms import MAX_ID, add_service_errors
from teams.models import Membership
from teams.permissions import READ_ONLY_MESSAGE
from teams.views import posted, team_or_404

from . import services
from .forms import ContributionForm
from .models import OFFERS, Contribution


@login_required
def contribution(request, slug, membership_id):
    team = team_or_404(slug)
    if membership_id > MAX_ID:
        raise Http404
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, team=team)
    if not services.may_state(request.user, membership, team):
        raise PermissionDenied(_("Each member states their own contribution; nobody edits someone else's.")
                               if membership.user_id != request.user.pk else READ_ONLY_MESSAGE)
    current = Contribution.objects.filter(membership=membership).first() or Contribution(membership=membership)
    form = ContributionForm(posted(request), initial={name: getattr(current, name)
                                                      for name in ("hours_per_month", *OFFERS)})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.state_contribution(request.user, membership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your contribution is saved.") if changed else _("Nothing changed."))
            return redirect(reverse("teams:detail", args=[team.slug]) + "#members")
    return render(request, "contributions/form.html", {"form": form, "team": team})
