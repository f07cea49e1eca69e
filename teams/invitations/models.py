"""Invitations to a team, by e-mail address or to a person picked from the list.

An invitation is a promise of a membership that exists only once the invited person accepts
(services.py). Its link carries a random token; only the token's SHA-256 is stored here
(`token_hash`), set by the mail job when it writes the mail (mail.py), and cleared when the
invitation is answered, withdrawn, expires or is sent again: an old link then matches nothing.
"""
import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import Membership, Team

VALID_DAYS = 14


def token_digest(token: str) -> str:
    """What is stored of a link's token: its SHA-256, hex (64 characters)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=VALID_DAYS)


class Invitation(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    # The address typed by the inviter, lower case; empty for a person picked from the list (the mail goes
    # to their account's address, if they have one; they can also answer on "My teams").
    email = models.EmailField(_("e-mail address"), blank=True)
    # Set when the inviter picked an existing person: only that account may answer.
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="team_invitations")
    role = models.CharField(_("role"), max_length=12, choices=Membership.Role.choices)
    message = models.TextField(_("personal message"), max_length=2000, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(max_length=8)  # the inviter's: the mail's language
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)  # invited, or sent again
    expires_at = models.DateTimeField()
    mailed_at = models.DateTimeField(null=True, blank=True)  # the mail job wrote the current link's mail
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["team", "email"], name="one_pending_invitation_per_address",
                                    condition=models.Q(state="pending") & ~models.Q(email="")),
            models.UniqueConstraint(fields=["team", "invitee"], name="one_pending_invitation_per_person",
                                    condition=models.Q(state="pending", invitee__isnull=False)),
        ]

    def __str__(self):
        return f"{self.email or self.invitee} → {self.team} ({self.state})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def addressee(self) -> str:
        """Whom the inviter sees it went to: the person they picked, or the address they typed."""
        if self.invitee is not None:
            return self.invitee.get_full_name() or self.invitee.username
        return self.email
