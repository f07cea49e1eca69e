"""What every API view shares: finding a team the asker may see, cursor pages, the card version of If-Match,
and conditional GETs (ETag / If-None-Match) for everything under /api/."""
import re

from django.contrib.auth.models import User
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from teams.models import Team
from teams.permissions import can_view

from .problems import Problem

_POSITION = re.compile(r"\d{1,18}")
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


class Page(CursorPagination):
    """Cursor pages in a stable order (the id breaks ties): ?cursor= from `next`/`previous`, ?limit= up to 100."""
    page_size = 50
    max_page_size = 100
    page_size_query_param = "limit"
    ordering = "id"

    def decode_cursor(self, request):
        """DRF's, and the position must be an id (every order here is by id): a forged cursor holding text or a
        number beyond the column's range is the same 404 as an unreadable one, not a database error."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not _POSITION.fullmatch(cursor.position):
            raise NotFound(self.invalid_cursor_message)
        return cursor


class NewestFirst(Page):
    ordering = "-id"


class SignedIn(Request):
    """A request the API's permission class let through: its user is signed in (for the type checker)."""
    user: User


class ApiView(APIView):
    """A view of the API (authentication, scope, throttle and the problem handler come from REST_FRAMEWORK)."""


def body_of(serializer_class: type[Serializer], request: Request, **options) -> dict:
    """The request's JSON body checked by `serializer_class` (a 400 problem naming the fields, if not valid)."""
    body = serializer_class(data=request.data, **options)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def any_team(slug: str) -> Team:
    """A team's public card is open to every signed-in person (the cluster is open to join)."""
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        raise Problem("not_found", 404, _("No such team."))
    return team


def private_team(user, slug: str) -> Team:
    """A team whose private content (board, channels, progress) `user` may see; a non-member learns nothing,
    not even that it exists (the same 404 as an unknown team)."""
    team = Team.objects.filter(slug=slug).first()
    if team is None or not can_view(user, team):
        raise Problem("not_found", 404, _("No such team."))
    return team


def if_match_version(request) -> int:
    """The card version the client saw, from If-Match ("5", W/"5" or 5): missing → 428, malformed → 400."""
    header = request.headers.get("If-Match")
    if not header:
        raise Problem("precondition_required", 428,
                      _("Send If-Match with the card's version (its ETag) to change it."))
    found = _IF_MATCH.match(header)
    if not found:
        raise Problem("invalid", 400, _("If-Match is the card's ETag, e.g. \"5\"."))
    return int(found.group(1))


class ApiConditionalGet(ConditionalGetMiddleware):
    """ETag (the body's hash, unless a view set one) and 304 on If-None-Match, for the API's GETs only; and API
    answers differ per person: private, varying by Authorization and Cookie."""

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        patch_vary_headers(response, ("Authorization", "Cookie"))
        response.headers.setdefault("Cache-Control", "private, no-cache")
        return super().process_response(request, response)
