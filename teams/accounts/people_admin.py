"""Cluster management's list of people (/account/people/) with a deactivate / reactivate button each; the rule
and the work (sessions and sockets ended) are in services.set_active."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.erasure.models import Erasure
from teams.forms import MAX_ID
from teams.models import ClusterRole
from teams.permissions import is_cluster_management

from . import services

PAGE_SIZE = 50
MAX_QUERY = 100


def _require_cluster_management(user: User) -> None:
    if not is_cluster_management(user):
        raise PermissionDenied(_("Only cluster management deactivates or reactivates people."))


@login_required
def people(request):
    _require_cluster_management(request.user)
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    found = User.objects.order_by("-is_active", "last_name", "first_name", "username").prefetch_related(
        "groups").annotate(erased=Exists(Erasure.objects.filter(person=OuterRef("pk"))))  # no "Erase…" twice
    if query:
        found = found.filter(Q(username__icontains=query) | Q(first_name__icontains=query)
                             | Q(last_name__icontains=query) | Q(email__icontains=query))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(person, [ClusterRole(group.name).label if group.name in ClusterRole.values else group.name
                      for group in person.groups.all()]) for person in page]  # cluster bodies, translated
    return render(request, "accounts/people.html", {"page": page, "rows": rows, "query": query})


@login_required
@require_POST
def set_active(request, user_id):
    _require_cluster_management(request.user)
    if user_id > MAX_ID:
        raise Http404  # not a 500 for an id beyond the database's range
    person = get_object_or_404(User, pk=user_id)
    active = request.POST.get("active")
    if active not in ("0", "1"):
        messages.error(request, _("Say whether the person is to be active."))
    else:
        name = person.get_full_name() or person.username
        try:
            changed = services.set_active(request.user, person, active=active == "1")
            if changed:
                messages.success(request, (_("%(name)s is active again.") if active == "1" else
                                           _("%(name)s is deactivated: signed out everywhere, no login, no mail."))
                                 % {"name": name})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    target = request.POST.get("next", "")  # back to the page of the list it came from
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("accounts:people")
