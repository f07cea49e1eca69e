"""The invitation mail: written by the Celery job (tasks.py), sent after the inviting transaction commits.

The job makes the link's token itself (secrets.token_urlsafe) and stores only its hash (claiming the
invitation: `token_hash` was empty), so the token exists only in the mail: never in the database, the
broker's messages or a log. A second run of the same job (acks_late redelivery) finds the hash set and
sends nothing; sending again (services.resend) clears the hash first, so the next job writes a new link
and the old one matches nothing. If the mail cannot be sent the claim is undone and the job retried.

The mail is in the inviter's language (Invitation.language), plain text with an HTML alternative, and
its link starts with SITE_URL (the address people reach the site at).
"""
import datetime
import logging
import operator
import secrets
from functools import reduce

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teams.review.reports import queue_options

from .models import Invitation, token_digest

log = logging.getLogger(__name__)
SEND_TASK = "invitations.send_mail"


def enqueue(invitation_id: int) -> None:
    """Ask the worker to mail the invitation (call it after commit: the worker must see the row). A broker
    that cannot be reached loses nothing: the invitation is committed, and `lost_mails` queues it again."""
    try:
        current_app.send_task(SEND_TASK, args=[invitation_id], **queue_options())
    except Exception:
        log.warning("could not queue the mail of invitation %s; the sweep will", invitation_id, exc_info=True)


def site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def only_deactivated(addresses: set[str]) -> set[str]:
    """Of these (lower-case) addresses, those that belong to accounts that are all deactivated: no
    invitation mail goes there (the invitation is kept, so the inviter learns nothing of it)."""
    if not addresses:
        return set()
    accounts = User.objects.filter(reduce(operator.or_, (Q(email__iexact=address) for address in addresses)))
    states: dict[str, set[bool]] = {}
    for email, active in accounts.values_list("email", "is_active"):
        states.setdefault(email.strip().lower(), set()).add(active)
    return {email for email, active in states.items() if active == {False}}


def address_of(invitation: Invitation) -> str:
    """Where the invitation's mail goes: nowhere ("") for a deactivated account."""
    if invitation.email:
        return "" if only_deactivated({invitation.email}) else invitation.email
    invitee = invitation.invitee
    return invitee.email if invitee is not None and invitee.is_active else ""


def send_invitation(invitation_id: int) -> bool:
    """Mail the invitation's current link, unless that is done already (or nothing can be sent). True if sent."""
    invitation = Invitation.objects.select_related("team", "invited_by__profile__organisation", "invitee").filter(
        pk=invitation_id).first()
    if (invitation is None or invitation.state != Invitation.State.PENDING or invitation.token_hash
            or invitation.is_expired or not address_of(invitation)):
        return False
    token = secrets.token_urlsafe(32)
    digest = token_digest(token)
    claimed = Invitation.objects.filter(pk=invitation.pk, state=Invitation.State.PENDING, token_hash__isnull=True,
                                        sent_at=invitation.sent_at).update(token_hash=digest, mailed_at=timezone.now())
    if not claimed:
        return False
    try:
        message(invitation, token).send()
    except Exception:
        Invitation.objects.filter(pk=invitation.pk, token_hash=digest).update(token_hash=None, mailed_at=None)
        raise
    return True


def message(invitation: Invitation, token: str) -> EmailMultiAlternatives:
    """The mail with its link, in the inviter's language."""
    inviter = invitation.invited_by
    profile = getattr(inviter, "profile", None) if inviter else None
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation, "team": invitation.team,
            "inviter": (inviter.get_full_name() or inviter.username) if inviter else _("Cluster management"),
            "organisation": str(profile.organisation) if profile and profile.organisation else "",
            "role": invitation.get_role_display(),
            "link": site_url() + reverse("invitations:open", args=[token]),
            "site": site_url(),
        }
        subject = _("[Topic teams] %(inviter)s invites you to “%(team)s”") % {
            "inviter": context["inviter"], "team": invitation.team.name}
        mail = EmailMultiAlternatives(subject=" ".join(subject.split())[:200],
                                      body=render_to_string("invitations/mail.txt", context),
                                      to=[address_of(invitation)])
        mail.attach_alternative(render_to_string("invitations/mail.html", context), "text/html")
    return mail


def lost_mails(older_than_minutes: int = 10) -> list[int]:
    """Pending invitations whose mail job has not run for a while (a message lost with the broker): queued again."""
    since = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    rows = list(Invitation.objects.filter(state=Invitation.State.PENDING, token_hash__isnull=True, sent_at__lt=since,
                                          expires_at__gt=timezone.now())
                .exclude(email="", invitee__email="").exclude(invitee__is_active=False).values_list("pk", "email"))
    deactivated = only_deactivated({email for _pk, email in rows if email})
    ids = [pk for pk, email in rows if email not in deactivated]
    for invitation_id in ids:
        enqueue(invitation_id)
    return ids
