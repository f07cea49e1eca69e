"""The invited person's side: accept, decline, or (no account for the address yet) create the account
and join in one step. An invitation that has expired is marked so, with its event, when its link is used.

Who may answer: for a person picked from the list, that account; for an address, an account with that
address (any case), or, when none exists, the new person who holds the link. Views find the invitation by
its link's token (views.py: the token proves the mailbox) or, for "My teams", by its invitee; the services
check the addressee again. A membership exists only after `accept` or `join_as_new_person`.
"""
import re
import unicodedata

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams.membership import add_member, member_summary
from teams.models import Event, Membership, Profile, Team
from teams.notify.services import remember_language
from teams.people.services import organisation_named
from teams.permissions import lock_team
from teams.search.indexing import people_indexed_once

from .models import Invitation, token_digest
from .services import summary

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
# Letters NFKD does not split into a base letter and a mark.
_FOLDED = str.maketrans({"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                         "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH", "ı": "i"})
_NOT_IN_USERNAME = re.compile(r"[^a-z0-9.+_-]+")


class NotValid(Exception):
    """The link or invitation cannot be used (unknown, expired, withdrawn, answered, or the team takes no
    members any more): every case looks the same to the person."""


def by_token(token: str) -> Invitation | None:
    """The pending invitation whose link carries `token`: found by the token's hash (an index lookup; the
    token itself is nowhere to compare with)."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return Invitation.objects.select_related("team", "invitee", "invited_by").filter(
        token_hash=token_digest(token), state=Invitation.State.PENDING).first()


def takes_members(team: Team) -> bool:
    """A team gathers members while proposed or running within its time frame (permissions: INVITE's rule)."""
    return team.status == Team.Status.PROPOSED or team.is_writable


def has_account(invitation: Invitation) -> bool:
    return invitation.invitee_id is not None or User.objects.filter(email__iexact=invitation.email).exists()


def addressed_to(invitation: Invitation, user: User) -> bool:
    if not user.is_authenticated:
        return False
    if invitation.invitee_id is not None:
        return invitation.invitee_id == user.pk
    return bool(user.email) and user.email.strip().lower() == invitation.email


def usable(invitation: Invitation | None) -> Invitation:
    """The invitation if it can be answered now; NotValid otherwise. Using an expired one marks it expired."""
    if invitation is None or invitation.state != Invitation.State.PENDING:
        raise NotValid
    if invitation.is_expired:
        expire(invitation)
        raise NotValid
    if not takes_members(invitation.team):
        raise NotValid
    return invitation


@transaction.atomic
def expire(invitation: Invitation) -> Event | None:
    """Mark a pending invitation past its date expired (once; by the system: no actor)."""
    team = lock_team(invitation.team)
    if not Invitation.objects.filter(pk=invitation.pk, state=Invitation.State.PENDING,
                                     expires_at__lte=timezone.now()).update(state=Invitation.State.EXPIRED,
                                                                            token_hash=None):
        return None
    return events.record(team, "invitation.expired", None, summary(invitation))


def _answerable(invitation: Invitation, team: Team) -> Invitation:
    """Locked and fresh, still pending and in time (the team's lock is held); NotValid otherwise."""
    found = Invitation.objects.select_for_update(of=("self",)).select_related("invitee").filter(
        pk=invitation.pk, team=team).first()
    if (found is None or found.state != Invitation.State.PENDING or found.expires_at <= timezone.now()
            or not takes_members(team)):
        raise NotValid
    found.team = team
    return found


def _close(invitation: Invitation, state: str, user: User) -> None:
    invitation.state, invitation.token_hash = state, None
    invitation.answered_at, invitation.answered_by = timezone.now(), user
    invitation.save(update_fields=["state", "token_hash", "answered_at", "answered_by"])


def _require_addressee(invitation: Invitation, user: User) -> None:
    if not addressed_to(invitation, user):
        raise PermissionDenied(_("This invitation is for someone else."))


def _join(invitation: Invitation, team: Team, user: User) -> tuple[Membership, bool]:
    """The membership, and whether it is new. Someone who is a member already (invited by address, say)
    answers the invitation by opening it: it is closed as accepted (`invitation.resolved`), its link dies."""
    existing = Membership.objects.filter(team=team, user=user).first()
    if existing is not None and existing.state == Membership.State.ACTIVE:
        _close(invitation, Invitation.State.ACCEPTED, user)
        events.record(team, "invitation.resolved", user, {**summary(invitation), "role": existing.role})
        return existing, False
    if existing is not None:  # their open join request: the invitation answers it
        existing.delete()
    membership = add_member(team, user, role=invitation.role)
    _close(invitation, Invitation.State.ACCEPTED, user)
    events.record(team, "invitation.accepted", user, {**member_summary(membership), "invitation": invitation.pk})
    return membership, True


@transaction.atomic
def accept(actor: User, invitation: Invitation) -> tuple[Membership, bool]:
    """Join the team with the invitation's role: the membership, and False if they were a member already
    (the invitation is answered all the same). NotValid or PermissionDenied (another account)."""
    team = lock_team(invitation.team)
    invitation = _answerable(invitation, team)
    _require_addressee(invitation, actor)
    return _join(invitation, team, actor)


@transaction.atomic
def decline(actor: User, invitation: Invitation) -> Event:
    team = lock_team(invitation.team)
    invitation = _answerable(invitation, team)
    _require_addressee(invitation, actor)
    _close(invitation, Invitation.State.DECLINED, actor)
    return events.record(team, "invitation.declined", actor, summary(invitation))


def username_for(first_name: str, last_name: str) -> str:
    """The new account's user name, made from the name ("clara.neumann", then "clara.neumann2" if taken):
    ASCII-folded and within Django's user name rules. Never from the address: user names are shown to every
    signed-in person (directory links, team pages) and stay when the address changes."""
    name = unicodedata.normalize("NFKD", f"{first_name} {last_name}".translate(_FOLDED))
    ascii_name = name.encode("ascii", "ignore").decode().lower()
    words = [_NOT_IN_USERNAME.sub("", word) for word in ascii_name.split()]
    base = re.sub(r"\.{2,}", ".", ".".join(word for word in words if word)).strip(".+_-")[:140] or "member"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


@transaction.atomic
def join_as_new_person(invitation: Invitation, *, first_name: str, last_name: str, organisation: str,
                       sector: str = "", location: str = "", password: str, language: str) -> User:
    """The account for an invited address that has none, signed up and in the team in one step.
    NotValid; ValidationError (an account exists for the address now, a name missing, a weak password)."""
    team = lock_team(invitation.team)
    invitation = _answerable(invitation, team)
    if has_account(invitation):
        raise ValidationError(_("There is an account for this address already: sign in to answer the invitation."))
    first_name, last_name = " ".join(first_name.split()), " ".join(last_name.split())
    if not first_name or not last_name:
        raise ValidationError(_("Give your first and last name."))
    user = User(username=username_for(first_name, last_name), email=invitation.email, first_name=first_name[:150],
                last_name=last_name[:150])
    validate_password(password, user)
    user.set_password(password)
    with people_indexed_once():  # found by name and organisation: one index write, not one per save
        user.save()
        Profile.objects.create(user=user, organisation=organisation_named(organisation, sector, location))
    remember_language(user, language=language)
    _join(invitation, team, user)
    return user
