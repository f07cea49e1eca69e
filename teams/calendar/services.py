"""Making and revoking a person's calendar feed link (their own only), with an audit entry each."""
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from teams.audit import trail

from .models import FeedToken, token_hash


def _require_active(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Sign in to manage your calendar link."))


@transaction.atomic
def new_feed_link(user: User) -> str:
    """A new secret token for the person's feed (the old link, if any, stops working). Returns the token."""
    _require_active(user)
    token = secrets.token_urlsafe(32)
    FeedToken.objects.filter(user=user).delete()
    FeedToken.objects.create(user=user, token_hash=token_hash(token))
    trail.record("calendar.link_created", actor=user, subject=user)
    return token


@transaction.atomic
def revoke_feed_link(user: User) -> bool:
    _require_active(user)
    deleted, _by_model = FeedToken.objects.filter(user=user).delete()
    if deleted:
        trail.record("calendar.link_revoked", actor=user, subject=user)
    return bool(deleted)
