"""The erased person's own rows: the account anonymised, the profile cleared, what only concerned them removed.

The account row stays (every foreign key to it still holds: messages, cards, events) under the name "Former
member n": deactivated through teams.accounts.services.set_active (which ends their sessions and closes their
sockets with 4401), no e-mail, no usable password, no cluster body. Their memberships stay, so a team's history
still says "Former member n (Expert)"; a join request still waiting, with its message, is removed.
"""
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.db.models import Q

from teams.accounts.models import EmailChange
from teams.accounts.services import set_active
from teams.contributions.models import Contribution
from teams.discussion.models import ReadMarker, ThreadSubscription
from teams.invitations.models import Invitation
from teams.models import Membership, Profile
from teams.notify.models import DigestSent, MailPreference, Notification
from teams.people.models import Expertise, Keyword

from .scrub import Identity

FIRST_NAME = "Former member"  # stored, like every name, as it was given: see docs/erasure.md


def identity_of(person: User) -> Identity:
    """Every name and address of the person the database may have copied."""
    first, last = person.first_name.strip(), person.last_name.strip()
    names = {person.get_full_name().strip()}
    if first and last:
        names |= {f"{first} {last}", f"{last}, {first}", f"{last} {first}"}
    emails = {person.email.strip()} | {address.strip() for change in EmailChange.objects.filter(user=person)
                                       for address in (change.new_email, change.old_email)}
    return Identity(names=tuple(sorted(name for name in names if name)), username=person.username,
                    emails=tuple(sorted(email for email in emails if email)))


def new_username(number: int) -> str:
    username = f"former-member-{number}"
    taken = User.objects.filter(username__iexact=username).exists()
    return f"{username}-{number}" if taken else username


def anonymise_account(actor: User, person: User, *, number: int, username: str) -> None:
    set_active(actor, person, active=False)  # sessions ended, sockets rung (realtime/sessions.py)
    person.refresh_from_db()
    person.username, person.first_name, person.last_name, person.email = username, FIRST_NAME, str(number), ""
    person.is_active, person.is_staff = False, False
    person.set_unusable_password()
    person.save()  # rings the sockets again, and the search index drops the inactive person
    person.groups.clear()
    person.user_permissions.clear()


def clear_profile(person: User) -> None:
    profile = Profile.objects.filter(user=person).first()
    if profile is not None:
        held = list(Expertise.objects.filter(profile=profile).values_list("keyword_id", flat=True))
        Expertise.objects.filter(profile=profile).delete()
        Keyword.objects.filter(pk__in=held, expertise__isnull=True).delete()  # only theirs: may name them
        profile.fields_of_action.clear()
        profile.organisation = None
        profile.save()


def remove_personal_rows(person: User, identity: Identity) -> dict[str, int]:
    """What concerned only them: requests, preferences, their own notifications, invitations still open to them,
    and the login throttle's records of their name and addresses."""
    logins = Q()
    for login in (identity.username, *identity.emails):
        logins |= Q(username__iexact=login)
    pending_to_them = Q(invitee=person)
    for email in identity.emails:
        pending_to_them |= Q(email__iexact=email)
    memberships = Membership.objects.filter(user=person)
    removed = {
        "join_requests": memberships.filter(state=Membership.State.REQUESTED).delete()[0],
        "contributions": Contribution.objects.filter(membership__user=person).delete()[0],
        "invitations": Invitation.objects.filter(pending_to_them, state=Invitation.State.PENDING).delete()[0],
        "email_changes": EmailChange.objects.filter(user=person).delete()[0],
        "notifications": Notification.objects.filter(recipient=person).delete()[0],
        "login_records": sum(model.objects.filter(logins).delete()[0]
                             for model in (AccessAttempt, AccessLog, AccessFailureLog)),
    }
    memberships.update(message="")
    for model in (MailPreference, DigestSent, ReadMarker, ThreadSubscription):
        model.objects.filter(user=person).delete()
    return removed
