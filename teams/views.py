"""Thin views: parse the form, call the service, render. Rules live in services/permissions."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.discussion.access import private_ids

from . import fragments, selectors, services
from . import membership as membership_services
from .events import REPLAY_LIMIT, events_after
from .forms import (
    ExtendForm,
    JoinRequestForm,
    LaunchProposedForm,
    LaunchTeamForm,
    ProposeTeamForm,
    RoleForm,
    TeamForm,
    add_service_errors,
    query_ids,
)
from .models import Membership, Team
from .permissions import Action, can_launch_teams, can_view, require, require_removal


def apply(form, call):
    """Run a service with a valid form; its ValidationErrors become the form's errors."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def posted(request):
    """The submitted data, or None for a GET. (Not `request.POST or None`: an empty POST
    must be a bound form, so it shows "This field is required." instead of a blank form.)"""
    return request.POST if request.method == "POST" else None


def team_or_404(slug):
    return get_object_or_404(Team, slug=slug)


def viewable_team_or_404(user, slug):
    """Private team content: a non-member learns nothing, not even that it exists."""
    team = team_or_404(slug)
    if not can_view(user, team):
        raise Http404
    return team


@login_required
def masterplan(request):
    # The same for every reader: the plan's names renew the outside version, the teams on goals change by events.
    plan = fragments.cluster_cached("masterplan", (), lambda: _masterplan_html(*selectors.masterplan()))
    return render(request, "teams/masterplan.html", {"plan": plan})


def _masterplan_html(fields, areas):
    return render_to_string("teams/_masterplan.html", {"fields": fields, "areas": areas})


@login_required
def propose(request):
    return _new_team_page(request, ProposeTeamForm, services.propose_team,
                          done=_("Your proposal was sent to cluster management."), title=_("Propose a topic team"))


@login_required
def launch_new(request):
    if not can_launch_teams(request.user):
        raise PermissionDenied(_("Only cluster management launches topic teams."))
    return _new_team_page(request, LaunchTeamForm, services.launch_new_team,
                          done=_("The team is launched."), title=_("Launch a topic team"))


def _new_team_page(request, form_class, create, *, done, title):
    """The form that creates a team (from today by default)."""
    form = form_class(posted(request), initial={"start_date": services.timezone.localdate()})
    return _team_form_page(request, form, lambda data: create(request.user, **data), done=done, title=title)


def _team_form_page(request, form, save, *, done, title, team=None):
    """A page of teams/team_form.html: a POST the service takes (a created team, or the Event of a change)
    leads to the team's page; anything else shows the form again, with its errors."""
    if request.method == "POST":
        saved = apply(form, save)
        if saved:
            messages.success(request, done)
            return redirect("teams:detail", slug=(team or saved).slug)
    context = {"form": form, "title": title}
    if team:
        context["team"] = team
    return render(request, "teams/team_form.html", context)


@login_required
def edit(request, slug):
    team = viewable_team_or_404(request.user, slug)
    require(request.user, Action.EDIT, team)
    initial = {"name": team.name, "purpose": team.purpose, "goals": team.goals.all(),
               "fields_of_action": team.fields_of_action.all()}
    form = TeamForm(posted(request), initial=initial)
    return _team_form_page(request, form, lambda data: services.update_team(request.user, team, **data),
                           done=_("Saved."), title=_("Edit team"), team=team)


@login_required
def launch(request, slug):
    return _dates_form_page(request, slug, Action.LAUNCH, LaunchProposedForm, ("start_date", "end_date"),
                            services.launch_team, done=_("The team is launched."), title=_("Launch team"))


@login_required
def extend(request, slug):
    return _dates_form_page(request, slug, Action.EXTEND, ExtendForm, ("end_date",),
                            services.extend_team, done=_("The team is extended."), title=_("Extend team"))


def _dates_form_page(request, slug, action, form_class, dates, service, *, done, title):
    """A lifecycle step that sets the team's dates (shown as they are): launching a proposal, extending."""
    team = team_or_404(slug)
    require(request.user, action, team)
    form = form_class(posted(request), initial={name: getattr(team, name) for name in dates})
    return _team_form_page(request, form, lambda data: service(request.user, team, **data),
                           done=done, title=title, team=team)


def _lifecycle_post(request, slug, action, service, done_message):
    team = team_or_404(slug)
    require(request.user, action, team)
    try:
        service(request.user, team)
        messages.success(request, done_message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("teams:detail", slug=team.slug)


@login_required
@require_POST
def conclude(request, slug):
    return _lifecycle_post(request, slug, Action.CONCLUDE, services.conclude_team, _("The team is concluded."))


@login_required
@require_POST
def archive(request, slug):
    return _lifecycle_post(request, slug, Action.ARCHIVE, services.archive_team, _("The team is archived."))


@login_required
def request_join(request, slug):
    team = team_or_404(slug)
    require(request.user, Action.REQUEST_JOIN, team)
    form = JoinRequestForm(posted(request))
    if request.method == "POST" and apply(
            form, lambda data: membership_services.request_to_join(request.user, team, **data)):
        messages.success(request, _("Your request was sent to the team's leads."))
        return redirect("teams:detail", slug=team.slug)
    return render(request, "teams/team_form.html", {"form": form, "team": team, "title": _("Ask to join")})


def _membership(team, membership_id):
    return get_object_or_404(Membership.objects.select_related("user", "team"), pk=membership_id, team=team)


def _membership_to_manage(request, slug, membership_id, action):
    """The team and one of its memberships, once the user may take `action` on the team's members."""
    team = team_or_404(slug)
    require(request.user, action, team)
    return team, _membership(team, membership_id)


@login_required
@require_POST
def answer_join(request, slug, membership_id):
    team, membership = _membership_to_manage(request, slug, membership_id, Action.APPROVE_JOIN)
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        messages.error(request, _("Choose whether to approve or decline the request."))
        return redirect("teams:detail", slug=team.slug)
    approve = decision == "approve"
    try:
        membership_services.answer_join_request(request.user, membership, approve=approve)
        messages.success(request, _("Request approved.") if approve else _("Request declined."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("teams:detail", slug=team.slug)


@login_required
@require_POST
def change_role(request, slug, membership_id):
    team, membership = _membership_to_manage(request, slug, membership_id, Action.CHANGE_ROLES)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            membership_services.change_role(request.user, membership, role=form.cleaned_data["role"])
            messages.success(request, _("Role changed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Unknown role."))
    return redirect("teams:detail", slug=team.slug)


@login_required
@require_POST
def remove_member(request, slug, membership_id):
    team = team_or_404(slug)
    membership = _membership(team, membership_id)
    require_removal(request.user, membership, team)
    try:
        membership_services.remove_member(request.user, membership)
        messages.success(request, _("Member removed."))
    except ValidationError as exc:
        if membership.user_id == request.user.pk:  # the last lead leaving: the page that offers the hand-over
            return redirect("teams:leave", slug=team.slug)
        messages.error(request, " ".join(exc.messages))
    return redirect("teams:detail", slug=team.slug)


@login_required
def event_log(request, slug):
    """The team's events after ?after=<seq>, as the WebSocket would replay them (for polling clients): a private
    channel's only for its members; `seq` counts the others too, so the next poll starts after them."""
    team = viewable_team_or_404(request.user, slug)
    try:
        after = query_ids(request.GET, "after")[0] or 0
    except ValueError:
        return JsonResponse({"error": _("after must be a sequence number.")}, status=400)
    found, mine = events_after(team.pk, after), private_ids(request.user, team.pk)
    frames = [event.as_frame() for event in found if event.private_channel is None or event.private_channel in mine]
    # past the log's end: the team's last seq (read before the events), never one the log has not reached
    return JsonResponse({"events": frames, "seq": found[-1].seq if found else min(after, team.last_seq),
                         "complete": len(found) < REPLAY_LIMIT})
