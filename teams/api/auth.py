"""How the API knows who asks: a personal access token (`Authorization: Bearer <token>`) or the site's own
session (with its CSRF check); the token's scope; the rate limit per token (docs/api.md)."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from .models import ApiToken
from .tokens import mark_used, token_for


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header is “Bearer <token>”."))
        try:
            text = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is unknown, expired or revoked."))
        token = token_for(text)
        if token is None:  # unknown, expired, revoked, or its owner deactivated: one answer for all
            raise exceptions.AuthenticationFailed(_("The token is unknown, expired or revoked."))
        mark_used(token)
        return token.owner, token

    def authenticate_header(self, request):
        return self.keyword


class ScopeAllowsMethod(permissions.BasePermission):
    """A signed-in person; with a token, a read token only reads (safe methods)."""
    message = _("This token may only read: make a token with write scope.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated and request.user.is_active):
            raise exceptions.NotAuthenticated()
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in permissions.SAFE_METHODS:
            return token.may_write
        return True


class PerTokenThrottle(throttling.SimpleRateThrottle):
    """API_RATE requests per token (a session: per person), counted in the project's cache."""
    scope = "api"

    def get_rate(self):
        return settings.API_RATE  # read when asked, not at import (DRF's THROTTLE_RATES is fixed at import)

    def get_cache_key(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken):
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The token in the schema (drf-spectacular finds this subclass by its target class)."""
    target_class = BearerTokenAuthentication
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A personal access token from your account page (/account/): hc_…"}
