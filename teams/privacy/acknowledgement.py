"""The privacy notice before anything else: a signed-in person who has not acknowledged its current version
is sent to it (with ?next= back) from any page but the few that must work without (ACKNOWLEDGEMENT_FREE).

Cheap on every request: the version acknowledged is kept in the session (written at login, where one query
reads it, and when acknowledging), the current version in the cache (notices.privacy_version). Only a
session that does not hold the current version asks the database, and remembers the answer if it is yes.
"""
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .models import Acknowledgement
from .notices import has_acknowledged, privacy_version

SESSION_KEY = "privacy_acknowledged"

# Paths a person reaches without having acknowledged: the notices themselves, signing in and out, the language
# switch, static files, and what scripts call (the team's event log poll, the notification list and report
# status for the bell and pages): they answer a page that was let through, never show one. The JSON API answers
# programs (a token is made on the account page, which asks first): a redirect to a page would break them.
ACKNOWLEDGEMENT_FREE = ("/privacy/", "/imprint/", "/login/", "/logout/", "/i18n/", "/favicon.ico", "/password/reset/",
                        "/api/")
SCRIPT_ENDPOINTS = ("/events/", "/status/")


def _free(path: str) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return path.startswith((*ACKNOWLEDGEMENT_FREE, static)) or path.endswith(SCRIPT_ENDPOINTS)


def remember(request: HttpRequest, version: int) -> None:
    request.session[SESSION_KEY] = version


@receiver(user_logged_in, dispatch_uid="privacy.acknowledged_at_login")
def note_acknowledged_version(sender, request, user, **kwargs):
    """At login, the latest version this person acknowledged goes into the session (no query per page)."""
    if request is not None and hasattr(request, "session"):
        latest = Acknowledgement.objects.filter(user=user).order_by("-version").values_list("version", flat=True)
        request.session[SESSION_KEY] = latest.first() or 0


class AcknowledgementMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _free(request.path):
            return self.get_response(request)
        version = privacy_version()
        if version is None or request.session.get(SESSION_KEY) == version:
            return self.get_response(request)
        if has_acknowledged(user, version):  # in another session, or before this one's login
            remember(request, version)
            return self.get_response(request)
        target = reverse("privacy:acknowledge")
        htmx = getattr(request, "htmx", None)
        if htmx:  # a fragment request: the whole window goes to the notice, then back to the page it showed
            if htmx.current_url_abs_path:
                target += "?" + urlencode({"next": htmx.current_url_abs_path})
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        if request.method in ("GET", "HEAD"):
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
