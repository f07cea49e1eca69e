"""The team's webhook settings (leads and cluster management; everyone else 404): the endpoints with a form to
add one (its secret is shown once, on the page that answers the form), and each endpoint's recent deliveries."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from teams.models import Team
from teams.views import apply, posted, team_or_404

from . import services
from .forms import EndpointForm
from .models import Endpoint
from .permissions import can_manage_webhooks

DELIVERIES_PER_PAGE = 50


def _managed_team(request, slug: str) -> Team:
    team = team_or_404(slug)
    if not can_manage_webhooks(request.user, team):
        raise Http404  # non-managers learn nothing about the team's webhooks
    return team


def _endpoint(team: Team, endpoint_id: int) -> Endpoint:
    return get_object_or_404(Endpoint, team=team, pk=endpoint_id)


@never_cache  # the page that answers the form holds the secret
@login_required
def endpoints(request, slug):
    team = _managed_team(request, slug)
    form = EndpointForm(posted(request))
    created = None
    status = 200
    if request.method == "POST":
        created = apply(form, lambda data: services.create_endpoint(request.user, team, **data))
        if created:
            form = EndpointForm()
        else:
            status = 400
    return render(request, "webhooks/endpoints.html", {
        "team": team, "form": form, "endpoints": Endpoint.objects.filter(team=team).order_by("pk"),
        "created": created[0] if created else None, "secret": created[1] if created else None,
    }, status=status)


@login_required
def endpoint(request, slug, endpoint_id):
    team = _managed_team(request, slug)
    found = _endpoint(team, endpoint_id)
    page = Paginator(found.deliveries.order_by("-at", "-pk"), DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "webhooks/endpoint.html", {"team": team, "endpoint": found, "page": page})


def _act(request, slug, endpoint_id, action, done):
    team = _managed_team(request, slug)
    action(request.user, _endpoint(team, endpoint_id))
    messages.success(request, done)
    return redirect("webhooks:list", team.slug)


@login_required
@require_POST
def enable(request, slug, endpoint_id):
    return _act(request, slug, endpoint_id, services.enable_endpoint, _("The webhook is on again."))


@login_required
@require_POST
def disable(request, slug, endpoint_id):
    return _act(request, slug, endpoint_id, services.disable_endpoint, _("The webhook is off."))


@login_required
@require_POST
def delete(request, slug, endpoint_id):
    return _act(request, slug, endpoint_id, services.delete_endpoint, _("The webhook is removed."))
