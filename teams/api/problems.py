"""Every API error as an RFC 9457 problem (application/problem+json): type, title, status, detail, instance and
`code`, the machine-readable code shared with the WebSocket protocol (realtime/protocol.py ERROR_CODES) plus the
HTTP-only ones below. docs/api.md has the table."""
import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import set_rollback

from realtime.protocol import ERROR_CODES, ProtocolError

logger = logging.getLogger("teams.api")

PROBLEM_TYPE = "application/problem+json"
# The API's codes beyond the protocol's: statuses a WebSocket frame never meets.
HTTP_ONLY_CODES = frozenset({"unauthenticated", "method_not_allowed", "not_acceptable", "unsupported_media_type",
                             "precondition_required"})
CODES = ERROR_CODES | HTTP_ONLY_CODES
TITLES = {
    "bad_json": gettext_lazy("The body is not valid JSON."),
    "bad_frame": gettext_lazy("The body has a shape no endpoint takes."),
    "too_large": gettext_lazy("The request is too large."),
    "rate_limited": gettext_lazy("Too many requests."),
    "invalid": gettext_lazy("The request is not valid."),
    "stale": gettext_lazy("The object changed since you read it."),
    "wip_limit": gettext_lazy("The column is full: it enforces its WIP limit."),
    "forbidden": gettext_lazy("You may not do this."),
    "not_found": gettext_lazy("Not found."),
    "server_error": gettext_lazy("The server failed."),
    "unknown_type": gettext_lazy("Unknown type."),
    "unauthenticated": gettext_lazy("Authentication is needed."),
    "method_not_allowed": gettext_lazy("This method is not allowed here."),
    "not_acceptable": gettext_lazy("No representation the client accepts."),
    "unsupported_media_type": gettext_lazy("Send JSON (application/json)."),
    "precondition_required": gettext_lazy("Say which version you change (If-Match)."),
}
DRF_CODES = {  # DRF's exception → the problem's code
    exceptions.ParseError: "bad_json",
    exceptions.AuthenticationFailed: "unauthenticated",
    exceptions.NotAuthenticated: "unauthenticated",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ValidationError: "invalid",
}
PROTOCOL_STATUS = {"bad_json": 400, "bad_frame": 400, "too_large": 413, "invalid": 400, "unknown_type": 400}


class Problem(exceptions.APIException):
    """An error with an explicit code (and status), raised by the API's own views."""

    def __init__(self, code: str, status_code: int, detail: str, errors: dict | None = None) -> None:
        assert code in CODES, code
        super().__init__(detail)
        self.code, self.status_code, self.errors = code, status_code, errors


def problem_body(code: str, status_code: int, detail: str, instance: str, errors: dict | None = None) -> dict:
    body = {"type": f"/api/v1/problems/#{code}", "title": str(TITLES[code]), "status": status_code,
            "detail": detail, "instance": instance, "code": code}
    if errors:
        body["errors"] = errors
    return body


def problem_response(request, code: str, status_code: int, detail: str, errors: dict | None = None,
                     headers: dict | None = None) -> Response:
    # JSON whatever the view would have rendered (the schema view's YAML): a problem is always JSON.
    request.accepted_renderer, request.accepted_media_type = JSONRenderer(), PROBLEM_TYPE
    return Response(problem_body(code, status_code, detail, request.get_full_path(), errors), status=status_code,
                    content_type=PROBLEM_TYPE, headers=headers)


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


def _errors(detail) -> dict | None:
    """A field → messages map of a DRF validation error (non-field messages under "non_field_errors")."""
    if isinstance(detail, dict):
        return {str(field): _messages(value) for field, value in detail.items()}
    return None


def _django_validation(exc: ValidationError) -> tuple[str, int, str, dict | None]:
    """A service's refusal: codes a client acts on differently keep their own status, as on the socket."""
    for code, status_code in (("stale", 412), ("rate_limited", 429), ("wip_limit", 409)):
        if any(error.code == code for error in getattr(exc, "error_list", ())):
            return code, status_code, " ".join(exc.messages), None
    errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else None
    return "invalid", status.HTTP_400_BAD_REQUEST, " ".join(exc.messages), errors


def _classify(exc: Exception) -> tuple[str, int, str, dict | None] | None:
    if isinstance(exc, Problem):
        return exc.code, exc.status_code, str(exc.detail), exc.errors
    if isinstance(exc, ProtocolError):
        return exc.code, PROTOCOL_STATUS.get(exc.code, 400), exc.message, None
    if isinstance(exc, ValidationError):
        return _django_validation(exc)
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return "not_found", status.HTTP_404_NOT_FOUND, _("Not found."), None
    if isinstance(exc, PermissionDenied):
        return "forbidden", status.HTTP_403_FORBIDDEN, str(exc) or _("You may not do this."), None
    if isinstance(exc, exceptions.APIException):
        code = next((code for kind, code in DRF_CODES.items() if isinstance(exc, kind)), "invalid")
        detail = exc.detail
        errors = _errors(detail) if code == "invalid" else None
        text = " ".join(_messages(detail)) if isinstance(detail, (dict, list)) else str(detail)
        return code, exc.status_code, text, errors
    return None


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every error a problem. An unexpected one is logged with its traceback (a defect)
    and answered as a 500 problem, never as Django's HTML page."""
    request = context["request"]
    found = _classify(exc)
    set_rollback()
    if found is None:
        logger.error("API request failed: %s %s", request.method, request.get_full_path(), exc_info=exc)
        return problem_response(request, "server_error", 500, _("The server failed. It was logged."))
    code, status_code, detail, errors = found
    headers = {}
    wait = getattr(exc, "wait", None)  # Throttled's seconds to wait
    if wait is not None:
        headers["Retry-After"] = str(int(wait) + 1)
    if status_code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return problem_response(request, code, status_code, detail, errors, headers)
