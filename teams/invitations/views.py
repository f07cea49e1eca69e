"""Pages of invitations (thin: the services decide). The inviter's: the invite form, sending again,
withdrawing, the pending list's fragment (the team page refreshes it live). The invited person's: the
link page (public: its token is the key) and the answer buttons on "My teams".

Every way a link cannot be used (unknown, expired, withdrawn, answered, the team closed) shows the same
page with the same status; nothing on it says whether an address has an account.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from teams.forms import add_service_errors
from teams.models import Team
from teams.people.models import Organisation
from teams.people.permissions import can_see_suggestions
from teams.people.suggestions import suggest_for_team
from teams.permissions import Action, require
from teams.privacy.notices import acknowledge, privacy_version
from teams.views import posted, team_or_404
from workspace.security import client_ip

from . import answers, services, throttle
from .forms import InvitationForm, NewPersonForm
from .models import Invitation


def _page(request, title: str, text: str, *, status: int = 200, **context) -> HttpResponse:
    return render(request, "invitations/page.html", {"title": title, "text": text, **context}, status=status)


def _refused(request, limited: throttle.RateLimited) -> HttpResponse:
    return _page(request, _("Please wait a little"), limited.message, status=429)


def landing(team: Team) -> str:
    """Where a new member lands: the board while the team runs, else the team's page."""
    return reverse("board:board", args=[team.slug]) if team.is_writable else reverse("teams:detail",
                                                                                       args=[team.slug])


# The inviter's pages ---------------------------------------------------------------------

@login_required
def invite(request, slug):
    team = team_or_404(slug)
    require(request.user, Action.INVITE, team)
    form = InvitationForm(posted(request), team=team)
    status = 200
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            throttle.take_invitations(request.user.pk, client_ip(request),
                                      len(arguments["emails"]) + len(arguments["people"]))
            invited = services.invite(request.user, team, language=translation.get_language(), **arguments)
        except throttle.RateLimited as limited:
            form.add_error(None, limited.message)
            status = 429
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if invited.invitations:
                count = len(invited.invitations)
                messages.success(request, ngettext("%(count)d invitation sent.", "%(count)d invitations sent.",
                                                   count) % {"count": count})
            if invited.enrolled:
                names = ", ".join(m.user.get_full_name() or m.user.username for m in invited.enrolled)
                messages.success(request, _("%(names)s had asked to join and are members now.") % {"names": names})
            return redirect(reverse("teams:detail", args=[team.slug]) + "#invitations")
    suggestions = suggest_for_team(request.user, team) if can_see_suggestions(request.user, team) else None
    return render(request, "invitations/invite.html", {"form": form, "team": team, "suggestions": suggestions},
                  status=status)


@login_required
def pending(request, slug):
    """The pending invitations (the team page's section), for those who may invite."""
    team = team_or_404(slug)
    require(request.user, Action.INVITE, team)
    return render(request, "invitations/_pending.html", {"team": team})


def _invitation_to_manage(request, slug, invitation_id):
    team = team_or_404(slug)
    require(request.user, Action.INVITE, team)
    return team, get_object_or_404(Invitation.objects.select_related("team", "invitee"), pk=invitation_id, team=team)


@login_required
@require_POST
def resend(request, slug, invitation_id):
    team, invitation = _invitation_to_manage(request, slug, invitation_id)
    try:
        throttle.take_invitations(request.user.pk, client_ip(request), 1)
        services.resend(request.user, invitation, language=translation.get_language())
        messages.success(request, _("The invitation was sent again with a new link; the old link no longer works."))
    except throttle.RateLimited as limited:
        return _refused(request, limited)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("teams:detail", args=[team.slug]) + "#invitations")


@login_required
@require_POST
def revoke(request, slug, invitation_id):
    team, invitation = _invitation_to_manage(request, slug, invitation_id)
    try:
        services.revoke(request.user, invitation)
        messages.success(request, _("The invitation is withdrawn; its link no longer works."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("teams:detail", args=[team.slug]) + "#invitations")


# The invited person's pages -------------------------------------------------------------

def not_valid(request) -> HttpResponse:
    return _page(request, _("This invitation link cannot be used"),
                 _("It may have expired, been withdrawn or already been used, or the team no longer takes new "
                   "members. Please ask the person who invited you to send the invitation again."), status=404)


@never_cache
def open_link(request, token):
    try:
        throttle.take_link_use(client_ip(request))
    except throttle.RateLimited as limited:
        return _refused(request, limited)
    try:
        invitation = answers.usable(answers.by_token(token))
        if answers.has_account(invitation):
            return _answer_page(request, invitation)
        return _new_person_page(request, invitation)
    except answers.NotValid:
        return not_valid(request)


def _context(invitation: Invitation, **more) -> dict:
    inviter = invitation.invited_by
    return {"invitation": invitation, "team": invitation.team,
            "inviter": (inviter.get_full_name() or inviter.username) if inviter else "", **more}


def _answer_page(request, invitation: Invitation) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "invitations/open.html", _context(invitation, step="sign_in", next=request.path))
    if not answers.addressed_to(invitation, request.user):
        return render(request, "invitations/open.html", _context(invitation, step="someone_else", next=request.path))
    if request.method == "POST":
        return _answer(request, invitation, request.POST.get("decision"), back=request.path)
    return render(request, "invitations/open.html", _context(invitation, step="answer"))


def _answer(request, invitation: Invitation, decision: str | None, *, back: str) -> HttpResponse:
    """Accept or decline (answers.NotValid goes to the caller); without a decision: back to the page
    (`back`) that asks for it, with a message."""
    if decision not in ("accept", "decline"):
        messages.error(request, _("Choose whether to accept or decline the invitation."))
        return redirect(back)
    try:
        if decision == "decline":
            answers.decline(request.user, invitation)
            messages.success(request, _("You declined the invitation to “%(team)s”.") % {"team": invitation.team.name})
            return redirect("teams:my_teams")
        _membership, joined = answers.accept(request.user, invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("teams:detail", slug=invitation.team.slug)
    if not joined:
        messages.info(request, _("You are already a member of this team."))
        return redirect("teams:detail", slug=invitation.team.slug)
    messages.success(request, _("Welcome to “%(team)s”.") % {"team": invitation.team.name})
    return redirect(landing(invitation.team))


def _new_person_page(request, invitation: Invitation) -> HttpResponse:
    if request.user.is_authenticated:
        return render(request, "invitations/open.html", _context(invitation, step="new_account_elsewhere",
                                                                 next=request.path))
    form = NewPersonForm(posted(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = answers.join_as_new_person(invitation, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if version := privacy_version():  # ticked on the form: the account starts acknowledged
                acknowledge(user, version)
            return _signed_in(request, user, invitation.team, form.cleaned_data["language"])
    return render(request, "invitations/open.html", _context(
        invitation, step="new_person", form=form, organisations=Organisation.objects.values_list("name", flat=True)))


def _signed_in(request, user, team: Team, language: str) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    translation.activate(language)
    messages.success(request, _("Welcome to “%(team)s”. You sign in with the user name %(username)s from now on.")
                     % {"team": team.name, "username": user.username})
    response = redirect(landing(team))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response


@login_required
@require_POST
def answer_mine(request, invitation_id):
    """Accept or decline, from "My teams": an invitation to this very account (picked from the list)."""
    invitation = get_object_or_404(Invitation.objects.select_related("team", "invitee"), pk=invitation_id,
                                   invitee=request.user)
    try:
        return _answer(request, answers.usable(invitation), request.POST.get("decision"),
                       back=reverse("teams:my_teams"))
    except answers.NotValid:
        return not_valid(request)
