"""Inviting people to a team, sending an invitation again, withdrawing it (the inviter's side).

Who may: Action.INVITE (a lead, a supporting field-of-action manager, cluster management); naming a
lead takes Action.CHANGE_ROLES as well. Every change is a team event (`invitation.sent`, `.resent`,
`.revoked`; the invited person's answers: answers.py). The events name the role and, for a person
picked from the list, their name, never an address: every member reads the event log, only inviters
see the addresses (on the team page).

An address is invited whether or not it belongs to an account, and the inviter is told the same either
way. A person picked from the list whose join request is open becomes a member at once (they asked
to join: membership.enrol_member answers the request with the invitation's role).
"""
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from teams import events
from teams.membership import enrol_member
from teams.models import Event, Membership, Team
from teams.notify.services import language_of
from teams.permissions import Action, can, lock_and_require
from teams.text_input import check_lines

from . import mail
from .models import Invitation, expiry

MAX_PER_REQUEST = 50  # addresses and people in one invitation
MAX_MESSAGE = 2000
MAX_ADDRESS = 254  # RFC 5321's limit, and the column's
_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_MESSAGE = gettext_lazy("The text is not valid Unicode (it holds a lone surrogate).")


@dataclass
class Invited:
    invitations: list[Invitation] = field(default_factory=list)
    enrolled: list[Membership] = field(default_factory=list)  # whose open join request this answered


def holds_surrogate(text: str) -> bool:
    return bool(_SURROGATE.search(text))


def check_message(message: object) -> str:
    if not isinstance(message, str):
        raise ValidationError({"message": _("The message must be text.")})
    try:
        check_lines(message)
    except ValidationError as exc:
        raise ValidationError({"message": exc.messages}) from exc
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise ValidationError({"message": _("The message has at most %(max)d characters (this one has %(count)d).")
                               % {"max": MAX_MESSAGE, "count": len(message)}})
    return message


def _shown(items: Sequence[str], limit: int = 5) -> str:
    return ", ".join(items[:limit]) + (" …" if len(items) > limit else "")


def check_addresses(addresses: Sequence[object]) -> list[str]:
    """The addresses, lower case, each once; a ValidationError names the ones that are not addresses."""
    if len(addresses) > MAX_PER_REQUEST:
        raise ValidationError({"addresses": too_many(len(addresses))})
    cleaned, bad = [], []
    for address in addresses:
        text = address.strip().lower() if isinstance(address, str) else ""
        try:
            if holds_surrogate(text) or len(text) > MAX_ADDRESS:
                raise ValidationError("not an address")
            validate_email(text)
        except ValidationError:
            bad.append(repr(address)[:60] if not isinstance(address, str) or holds_surrogate(address) else address[:60])
            continue
        if text not in cleaned:
            cleaned.append(text)
    if bad:
        raise ValidationError({"addresses": ngettext("This is not an e-mail address: %(list)s",
                                                     "These are not e-mail addresses: %(list)s", len(bad))
                               % {"list": _shown(bad)}})
    return cleaned


def too_many(count: int) -> str:
    return _("Invite at most %(max)d people at once (these are %(count)d).") % {"max": MAX_PER_REQUEST, "count": count}


def _check_role(actor: User, team: Team, role: str) -> None:
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Membership.Role.LEAD and not can(actor, Action.CHANGE_ROLES, team):
        raise PermissionDenied(_("Only a lead or cluster management can name a lead."))


def summary(invitation: Invitation) -> dict:
    """An invitation in the event log: no address (every member reads the log)."""
    invitee = invitation.invitee
    return {"invitation": invitation.pk, "role": invitation.role,
            "name": (invitee.get_full_name() or invitee.username) if invitee is not None else ""}


def _mail_after_commit(invitation: Invitation) -> None:
    if mail.address_of(invitation):
        transaction.on_commit(partial(mail.enqueue, invitation.pk))


def _language(actor: User, language: str | None) -> str:
    try:
        return translation.get_supported_language_variant(language or language_of(actor))
    except LookupError:
        return language_of(actor)


@transaction.atomic
def invite(actor: User, team: Team, *, emails: Sequence[str] = (), people: Sequence[User] = (), role: str,
           message: str = "", language: str | None = None) -> Invited:
    """Invite addresses and people picked from the list, with a role and a personal message; the mails go
    out in `language` (the inviter's, by default the one they use) once this commits."""
    team = lock_and_require(actor, Action.INVITE, team)
    _check_role(actor, team, role)
    message = check_message(message)
    picked = list({person.pk: person for person in people}.values())
    picked_addresses = {person.email.strip().lower() for person in picked if person.email}
    addresses = [a for a in check_addresses(emails) if a not in picked_addresses]  # the same person: once
    if not addresses and not picked:
        raise ValidationError({"addresses": _("Choose people from the list or give e-mail addresses.")})
    if len(addresses) + len(picked) > MAX_PER_REQUEST:
        raise ValidationError({"addresses": too_many(len(addresses) + len(picked))})
    memberships = {m.user_id: m for m in Membership.objects.filter(team=team, user__in=picked)}
    members = [p for p in picked if p.pk in memberships and memberships[p.pk].state == Membership.State.ACTIVE]
    if members:
        raise ValidationError({"people": _("Already members: %(names)s") % {
            "names": _shown([p.get_full_name() or p.username for p in members])}})
    waiting = list(Invitation.objects.filter(team=team, state=Invitation.State.PENDING).filter(
        Q(email__in=addresses) | Q(invitee__in=picked)).select_related("invitee"))
    if waiting:
        raise ValidationError({"addresses": _("Already invited (send the invitation again from the list of "
                                              "pending invitations instead): %(who)s")
                               % {"who": _shown([w.addressee for w in waiting])}})
    language = _language(actor, language)
    result = Invited()
    now = timezone.now()
    rows = [Invitation(team=team, email=address, role=role, message=message, invited_by=actor, language=language,
                       created_at=now, sent_at=now, expires_at=expiry(now)) for address in addresses]
    for person in picked:
        if person.pk in memberships:  # an open join request: inviting them answers it
            result.enrolled.append(enrol_member(actor, team, user=person, role=role))
        else:
            rows.append(Invitation(team=team, invitee=person, role=role, message=message, invited_by=actor,
                                   language=language, created_at=now, sent_at=now, expires_at=expiry(now)))
    if rows:
        result.invitations = Invitation.objects.bulk_create(rows)
        events.record_many(team, "invitation.sent", [(actor, summary(row)) for row in result.invitations])
        for row in result.invitations:
            _mail_after_commit(row)
    return result


def _pending(team: Team, invitation: Invitation) -> Invitation:
    """The invitation, locked and fresh, if it still waits for an answer (the team's lock is held)."""
    found = Invitation.objects.select_for_update(of=("self",)).select_related("invitee").filter(
        pk=invitation.pk, team=team).first()
    if found is None or found.state != Invitation.State.PENDING:
        raise ValidationError(_("This invitation has been answered or withdrawn already."))
    found.team = team
    return found


@transaction.atomic
def resend(actor: User, invitation: Invitation, *, language: str | None = None) -> Event:
    """A new link (the old one dies now), valid for another VALID_DAYS from now, mailed in the sender's language."""
    team = lock_and_require(actor, Action.INVITE, invitation.team)
    invitation = _pending(team, invitation)
    now = timezone.now()
    invitation.token_hash, invitation.mailed_at = None, None
    invitation.sent_at, invitation.expires_at = now, expiry(now)
    invitation.invited_by, invitation.language = actor, _language(actor, language)
    invitation.save(update_fields=["token_hash", "mailed_at", "sent_at", "expires_at", "invited_by", "language"])
    _mail_after_commit(invitation)
    return events.record(team, "invitation.resent", actor, summary(invitation))


@transaction.atomic
def revoke(actor: User, invitation: Invitation) -> Event:
    """Withdraw the invitation: its link stops working at once."""
    team = lock_and_require(actor, Action.INVITE, invitation.team)
    invitation = _pending(team, invitation)
    invitation.state, invitation.token_hash = Invitation.State.REVOKED, None
    invitation.answered_at, invitation.answered_by = timezone.now(), actor
    invitation.save(update_fields=["state", "token_hash", "answered_at", "answered_by"])
    return events.record(team, "invitation.revoked", actor, summary(invitation))
