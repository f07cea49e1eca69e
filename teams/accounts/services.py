"""Every write to a person's own account (name, e-mail, language) and cluster management's deactivation.

Services follow the contract in teams/services.py: the actor first, checks before writes, one transaction,
PermissionDenied / ValidationError with messages for the person who asked. Passwords change through Django's
own forms (PasswordChangeForm, SetPasswordForm): saving the user rings their sockets (realtime/sessions.py).
"""
import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import fragments
from teams.audit.trail import current_actor, record
from teams.notify.services import remember_language
from teams.permissions import is_cluster_management
from teams.search import indexing
from teams.text_input import bounded_text

from . import mails, throttle
from .models import EmailChange

NAME_MAX = 150  # Django's first_name / last_name
EMAIL_MAX = 254
EMAIL_CHANGE_SALT = "teams.accounts.email-change"


def _require_self(actor: User, person: User) -> None:
    if not actor.is_authenticated or not actor.is_active or actor.pk != person.pk:
        raise PermissionDenied(_("You can change only your own account."))


@transaction.atomic
def update_name(actor: User, person: User, *, first_name: str, last_name: str) -> User:
    _require_self(actor, person)
    first = bounded_text(first_name, field="first_name", max_length=NAME_MAX)
    last = bounded_text(last_name, field="last_name", max_length=NAME_MAX)
    if not first and not last:
        raise ValidationError({"first_name": _("Please give your name.")})
    User.objects.filter(pk=person.pk).update(first_name=first, last_name=last)
    # No save signal from an update: the search index and the cached pages would keep the old name otherwise.
    indexing.index_people([person.pk])
    fragments.renew_all()
    person.first_name, person.last_name = first, last
    return person


def set_language(actor: User, person: User, *, language: str) -> str:
    """The person's language for pages (from their next login on, on any device) and mails."""
    _require_self(actor, person)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    remember_language(person, language=language)
    return language


# E-mail: the new address confirms, the old one is told -----------------------------------------

def normalised_email(value: object) -> str:
    email = bounded_text(value, field="email", max_length=EMAIL_MAX)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _address_taken(email: str, person: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=person.pk).exists()


@transaction.atomic
def request_email_change(actor: User, person: User, *, email: str, password: str, confirm_url: str) -> EmailChange:
    """Mail a confirmation link to the new address; the address stays as it is until the link is used.
    `confirm_url` is the absolute URL with "TOKEN" where the token goes (the view knows the host)."""
    _require_self(actor, person)
    wait = throttle.email_change_request(person.pk)  # first: it also bounds guesses of the password
    if wait:
        raise ValidationError(_("Too many address changes. Please wait %(minutes)d minutes and try again.")
                              % {"minutes": throttle.minutes(wait)}, code="throttled")
    if not isinstance(password, str) or not person.check_password(password):
        raise ValidationError({"password": _("That is not your current password.")})
    email = normalised_email(email)
    if email.lower() == (person.email or "").lower():
        raise ValidationError({"email": _("That is already your address.")})
    if _address_taken(email, person):
        raise ValidationError({"email": _("Another account uses this address.")})
    change = EmailChange.objects.create(user=person, new_email=email, old_email=person.email or "")
    token = signing.dumps(change.pk, salt=EMAIL_CHANGE_SALT)
    link = confirm_url.replace("TOKEN", token)
    transaction.on_commit(lambda: mails.confirm_new_address(person, email, link))
    return change


def pending_email_change(person: User) -> EmailChange | None:
    """The latest change still waiting for its confirmation (only the latest can be confirmed)."""
    latest = EmailChange.objects.filter(user=person).order_by("-created_at", "-id").first()
    max_age = datetime.timedelta(seconds=settings.EMAIL_CHANGE_MAX_AGE)
    if latest is None or latest.confirmed_at is not None or latest.created_at < timezone.now() - max_age:
        return None
    return latest


def email_change_for(token: object) -> EmailChange:
    """The change a link names, if it may still be confirmed; ValidationError (one message for every reason a
    link no longer works: broken, expired, used, replaced by a later change, the account closed)."""
    invalid = ValidationError(_("This confirmation link is invalid or has expired. Please ask for a new one "
                                "on your account page."), code="invalid_link")
    if not isinstance(token, str) or len(token) > 200:
        raise invalid
    try:
        change_id = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        raise invalid from None
    change = EmailChange.objects.select_related("user").filter(pk=change_id).first() if type(change_id) is int \
        else None
    if change is None or not change.user.is_active or pending_email_change(change.user) != change \
            or (change.user.email or "") != change.old_email:
        raise invalid
    return change


@transaction.atomic
def confirm_email_change(token: str) -> User:
    """Whoever holds the link mailed to the new address confirms it (once): the address changes, the old
    address is told."""
    change = email_change_for(token)
    person = User.objects.select_for_update().get(pk=change.user_id)
    change = EmailChange.objects.select_for_update().get(pk=change.pk)
    if change.confirmed_at is not None or (person.email or "") != change.old_email:
        raise ValidationError(_("This confirmation link is invalid or has expired. Please ask for a new one "
                                "on your account page."), code="invalid_link")
    if _address_taken(change.new_email, person):
        raise ValidationError(_("Another account uses this address."), code="taken")
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    person.email = change.new_email
    person.save(update_fields=["email"])
    record("email.changed", actor=current_actor(), subject=person, detail={"change": change.pk})  # no addresses
    if change.old_email:
        transaction.on_commit(lambda: mails.tell_old_address(person, change.old_email, change.new_email))
    return person


# Cluster management: deactivating and reactivating a person ---------------------------------------

def end_sessions(person: User) -> int:
    """Delete every stored session that signs `person` in (database sessions; other engines refuse an inactive
    person anyway: django.contrib.auth checks is_active on every request). Their sockets are told by the
    user's post_save (realtime/sessions.py)."""
    if "db" not in settings.SESSION_ENGINE:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(person.pk):
            store(session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def set_active(actor: User, person: User, *, active: bool) -> bool:
    """Cluster management deactivates a person (no login, no mail, their sessions and sockets end) or
    reactivates them. Nobody deactivates themselves; only a superuser deactivates a superuser. Returns whether
    anything changed."""
    if not is_cluster_management(actor) or not actor.is_active:
        raise PermissionDenied(_("Only cluster management deactivates or reactivates people."))
    if type(active) is not bool:
        raise ValidationError(_("Say whether the person is to be active."))
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if person.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only an administrator deactivates an administrator."))
    if person.is_active == active:
        return False
    person.is_active = active
    person.save(update_fields=["is_active"])  # rings the person's sockets (realtime.sessions.user_saved)
    record("person.reactivated" if active else "person.deactivated", actor=actor, subject=person)
    if not active:
        end_sessions(person)
    return True
