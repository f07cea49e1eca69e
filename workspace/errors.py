"""The site's own pages for a bad request (400: e.g. a form with too many fields, DATA_UPLOAD_MAX_NUMBER_FIELDS)
and a failed CSRF check (403), translated and in the site's layout like 403.html and 404.html. Django's
own views render these templates without the request (no layout, no language cookie's styling); these
render with it, and fall back to Django's if that fails (a request too broken to render a page for)."""
import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.views import csrf, defaults

log = logging.getLogger(__name__)


def bad_request(request, exception=None) -> HttpResponse:
    try:
        return render(request, "400.html", status=400)
    except Exception:
        log.warning("the 400 page could not be rendered", exc_info=True)
        return defaults.bad_request(request, exception, template_name="")


def csrf_failure(request, reason: str = "") -> HttpResponse:
    try:
        return render(request, "403_csrf.html", {"reason": reason}, status=403)
    except Exception:
        log.warning("the CSRF failure page could not be rendered", exc_info=True)
        return csrf.csrf_failure(request, reason, template_name="")
