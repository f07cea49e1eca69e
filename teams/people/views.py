"""Thin views of the people pages: the expert directory, a person's entry, the professional-profile form, and
the suggested experts of the launch form. Rules live in permissions.py, writes in services.py."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams import fragments
from teams.models import Profile
from teams.views import apply, posted

from . import selectors, services
from .filters import PeopleFilter
from .forms import LaunchSuggestionsForm, ProfessionalProfileForm
from .models import Keyword, Organisation
from .permissions import can_see_directory, can_see_suggestions, memberships_in
from .suggestions import suggest

PAGE_SIZE = 25


def _require_directory(user: User) -> None:
    if not can_see_directory(user):
        raise PermissionDenied(_("Sign in to see the cluster's people."))


@login_required
def directory(request):
    _require_directory(request.user)
    people_filter = PeopleFilter(request.GET, queryset=selectors.people(), request=request)

    def build() -> str:
        users = selectors.with_entry_data(people_filter.qs, memberships_in(people_filter.teams))
        # get_page: a junk page number shows the first page, one past the end the last.
        page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
        template = "people/_directory_rows.html" if request.htmx else "people/_directory.html"
        return render_to_string(template, {"filter": people_filter, "page": page, "entries": selectors.entries(page),
                                           "keywords": selectors.popular_keywords()}, request)

    # What the page depends on of its viewer: the teams they may view and the "in no team" filter (shown and
    # applied for cluster management only). Filters with errors are never kept.
    variant = (people_filter.teams, "no_team" in people_filter.filters, bool(request.htmx), request.GET.urlencode())
    body = fragments.cluster_cached("people", variant, build) if people_filter.is_valid() else build()
    if request.htmx:
        return HttpResponse(body)
    return render(request, "people/directory.html", {"body": body})


@login_required
def person(request, username):
    _require_directory(request.user)
    try:
        entry = selectors.person(request.user, username)
    except User.DoesNotExist:
        raise Http404
    return render(request, "people/person.html", {"entry": entry, "is_me": entry.user.pk == request.user.pk})


@login_required
def edit_profile(request):
    me = request.user
    form = ProfessionalProfileForm(posted(request), initial=_profile_initial(me))
    if request.method == "POST" and apply(form, lambda data: services.update_professional_profile(me, me, **data)):
        messages.success(request, _("Your professional profile is saved."))
        return redirect("people:person", username=me.username)
    return render(request, "people/edit_profile.html", {
        "form": form, "organisations": Organisation.objects.values_list("name", flat=True)})


def _profile_initial(user: User) -> dict:
    profile = Profile.objects.select_related("organisation").filter(user=user).first()
    organisation = profile.organisation if profile else None
    keywords = Keyword.objects.filter(expertise__profile=profile).order_by("expertise__position") if profile else []
    return {"organisation": organisation.name if organisation else "",
            "sector": organisation.sector if organisation else "",
            "location": organisation.location if organisation else "",
            "keywords": ", ".join(keyword.label for keyword in keywords)}


@login_required
@require_POST
def launch_suggestions(request):
    """The suggested experts of the launch form, from what it holds so far (POST: a purpose can be longer
    than a URL should be; nothing is written)."""
    if not can_see_suggestions(request.user):
        raise PermissionDenied(_("Only cluster management launches topic teams."))
    values = LaunchSuggestionsForm(request.POST).values()
    chosen = values["experts"]
    taken = [person.pk for person in [values["lead"], *values["supporters"], *chosen] if person]
    suggestions = suggest(request.user, goals=values["goals"], fields=values["fields"],
                          text=f"{values['name']}\n{values['purpose']}", exclude=taken)
    return render(request, "people/_launch_suggestions.html", {
        "chosen": chosen, "suggestions": suggestions, "asked": bool(values["goals"] or values["fields"])})
