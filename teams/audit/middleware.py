"""Every request's audit entries carry the address it came from."""
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .trail import serving


class AuditAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving(request.META.get("REMOTE_ADDR")):
            return self.get_response(request)
