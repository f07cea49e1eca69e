"""Personal access tokens: made and revoked by their owner (the account page), checked on every API request.

Services follow the project's contract (teams/services.py): permission, validation, a transaction, and the
audit entry ("token.created", "token.revoked") in the same transaction.
"""
import datetime
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.audit import trail
from teams.text_input import bounded_text

from .models import ApiToken, token_digest

TOKEN_START = "hc_"
MAX_LIVE_TOKENS = 20


def _new_secret() -> tuple[str, str]:
    """(prefix, the whole token): the prefix is 8 hex characters, the secret 32 random bytes."""
    prefix = secrets.token_hex(4)
    return prefix, f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"


def live_tokens(owner: User) -> list[ApiToken]:
    """The owner's tokens that are not revoked, newest first (the account page lists them)."""
    return list(ApiToken.objects.filter(owner=owner, revoked_at__isnull=True))


@transaction.atomic
def create_token(actor: User, *, name: object, scope: object, days: object) -> tuple[ApiToken, str]:
    """A token for `actor` itself; returns it and the token's text, which is never shown again."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Sign in to make an API token."))
    name = bounded_text(name, field="name", max_length=60)
    if not name:
        raise ValidationError({"name": _("Give the token a name (what it is for).")})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("Choose read or write.")})
    if type(days) is not int or not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError({"days": _("A token lives 1 to %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}})
    if ApiToken.objects.filter(owner=actor, revoked_at__isnull=True).count() >= MAX_LIVE_TOKENS:
        raise ValidationError(_("You have %(n)d tokens: revoke one first.") % {"n": MAX_LIVE_TOKENS})
    prefix, secret = _new_secret()
    now = timezone.now()
    token = ApiToken.objects.create(owner=actor, name=name, prefix=prefix, digest=token_digest(secret),
                                    scope=scope, created_at=now, expires_at=now + datetime.timedelta(days=days))
    trail.record("token.created", actor=actor, subject=actor,
                 detail={"token": token.pk, "scope": scope, "days": days})
    return token, secret


@transaction.atomic
def revoke_token(actor: User, token_id: object) -> ApiToken:
    """The owner revokes one of their tokens: it stops working at once."""
    if type(token_id) is not int:
        raise ValidationError(_("Unknown token."))
    token = ApiToken.objects.select_for_update().filter(pk=token_id, owner_id=actor.pk).first()
    if token is None:
        raise PermissionDenied(_("Unknown token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        trail.record("token.revoked", actor=actor, subject=token.owner, detail={"token": token.pk})
    return token


def token_for(text: str) -> ApiToken | None:
    """The usable token `text` names (not revoked, not expired, its owner active), or None."""
    if not text.startswith(TOKEN_START) or len(text) > 100:
        return None
    token = ApiToken.objects.select_related("owner").filter(digest=token_digest(text)).first()
    if token is None or not token.is_usable or not token.owner.is_active:
        return None
    return token


def mark_used(token: ApiToken) -> None:
    """Remember when the token was last used: written at most once a minute, so reads stay reads."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(seconds=60):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
