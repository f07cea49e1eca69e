"""Every request's audit entries carry the address it came from (and who is signed in, for receivers that are
not told)."""
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from workspace.security import client_ip

from .trail import serving


class AuditAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The same address as django-axes counts (X-Forwarded-For only with AXES_BEHIND_PROXY).
        with serving(client_ip(request), lambda: getattr(request, "user", None)):
            return self.get_response(request)
