"""Asking for an export (the person on their account page; cluster management on the accounts list or a person's
directory entry) and the mailed link. Thin: the rule and the throttle are in services.request_export."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from teams.forms import MAX_ID
from teams.uploads import protected_file_response

from . import files, services


def _ask(request, person: User) -> bool:
    """PermissionDenied (someone else's data, not cluster management) goes on: a 403 page."""
    try:
        services.request_export(request.user, person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    return True


@login_required
@require_POST
def request_own(request):
    if _ask(request, request.user):
        messages.success(request, _("Your data is being prepared. We mail you a link when it is ready."))
    return redirect("/account/#data")


@login_required
@require_POST
def request_for(request, user_id):
    if user_id > MAX_ID:
        raise Http404
    person = get_object_or_404(User, pk=user_id)
    if _ask(request, person):
        messages.success(request, _("The data of %(name)s is being prepared. We mail you a link when it is ready.")
                         % {"name": person.get_full_name() or person.username})
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("accounts:people")


def _gone(request, export):
    own = export.person_id == request.user.pk
    return render(request, "dataexport/gone.html", {"days": services.link_days(), "own": own}, status=410)


@login_required
@require_safe
def download(request, token):
    """The mailed link: only its recipient, signed in; past its days a clear page (410)."""
    try:
        export = services.export_for_link(request.user, token)
    except services.LinkExpired as expired:
        return _gone(request, expired.export)
    try:
        handle = open(files.file_of(export), "rb")
    except FileNotFoundError:  # deleted by the expiry job a moment ago
        return _gone(request, export)
    services.record_download(request.user, export)
    name = f"data-{export.person.username}-{export.finished_at:%Y-%m-%d}.zip"
    return protected_file_response(File(handle), filename=name, content_type="application/zip")
