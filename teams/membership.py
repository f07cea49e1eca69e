"""Every write to a team's memberships: enrolment, join requests, roles, leaving.

People join by accepting an invitation (teams/invitations/services.py, which adds the membership
with `add_member`) or by a join request a lead approves. `enrol_member` adds someone at once
without asking them: for the demo, the benchmark's seed and the tests' fixtures, and for an
invitation to someone who has asked to join already (their request is their consent).

Services follow the contract in teams/services.py. Each membership change grants the role's
django-guardian object permissions in the same transaction (teams.permissions asks them).
"""
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import events
from .models import Event, Membership, Team, TeamUserObjectPermission
from .permissions import ROLE_PERMISSIONS, Action, can, lock_and_require, lock_team, require_removal


def member_summary(membership: Membership) -> dict:
    user = membership.user
    return {"user": user.pk, "name": user.get_full_name() or user.username, "role": membership.role,
            "state": membership.state}


def _grant_role_permissions(membership: Membership) -> None:
    """Make the user's guardian permissions on the team exactly those of the role."""
    TeamUserObjectPermission.objects.filter(user=membership.user, content_object=membership.team).delete()
    if membership.state != Membership.State.ACTIVE:
        return
    codenames = ROLE_PERMISSIONS[Membership.Role(membership.role)]
    perms = Permission.objects.filter(content_type__app_label="teams", codename__in=codenames)
    TeamUserObjectPermission.objects.bulk_create(
        TeamUserObjectPermission(user=membership.user, content_object=membership.team, permission=perm)
        for perm in perms
    )


def add_member(team: Team, user: User, *, role: str, state: str = Membership.State.ACTIVE) -> Membership:
    """A membership with its permissions, inside a service that has checked and locked (no event:
    the calling service records its own)."""
    membership = Membership.objects.create(team=team, user=user, role=role, state=state)
    _grant_role_permissions(membership)
    return membership


def is_last_lead(membership: Membership) -> bool:
    """Whether no other active lead is left without this one (who may leave only by handing over:
    `hand_over_and_leave`). A deactivated person's lead membership leads nobody: it is not counted."""
    if membership.role != Membership.Role.LEAD or membership.state != Membership.State.ACTIVE:
        return False
    return not Membership.objects.filter(team_id=membership.team_id, role=Membership.Role.LEAD,
                                         state=Membership.State.ACTIVE, user__is_active=True
                                         ).exclude(pk=membership.pk).exists()


def _check_not_last_lead(membership: Membership, new_role: str | None = None) -> None:
    if new_role != Membership.Role.LEAD and is_last_lead(membership):
        raise ValidationError(_("A team needs a lead: make someone else lead first."), code="last_lead")


@transaction.atomic
def enrol_member(actor: User, team: Team, *, user: User, role: str) -> Membership:
    """Make `user` a member with `role` now (an open join request of theirs is answered): not for pages
    where people are invited, see the module's docstring."""
    team = lock_and_require(actor, Action.INVITE, team)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Membership.Role.LEAD and not can(actor, Action.CHANGE_ROLES, team):
        raise PermissionDenied(_("Only a lead or cluster management can name a lead."))
    existing = Membership.objects.filter(team=team, user=user).first()
    if existing and existing.state == Membership.State.ACTIVE:
        raise ValidationError({"user": _("%(name)s is already a member.") % {"name": user.get_full_name() or user}})
    if existing:  # an open join request: enrolling answers it
        existing.role, existing.state = role, Membership.State.ACTIVE
        existing.save(update_fields=["role", "state"])
        membership = existing
        _grant_role_permissions(membership)
    else:
        membership = add_member(team, user, role=role)
    events.record(team, "member.added", actor, member_summary(membership))
    return membership


@transaction.atomic
def request_to_join(actor: User, team: Team, *, message: str = "") -> Membership:
    team = lock_and_require(actor, Action.REQUEST_JOIN, team)
    if Membership.objects.filter(team=team, user=actor).exists():
        raise ValidationError(_("You have already asked to join this team."))
    membership = Membership(team=team, user=actor, role=Membership.Role.EXPERT,
                            state=Membership.State.REQUESTED, message=message)
    membership.full_clean(exclude=["team", "user"])
    membership.save()
    events.record(team, "member.requested", actor, {**member_summary(membership), "message": message})
    return membership


@transaction.atomic
def answer_join_request(actor: User, membership: Membership, *, approve: bool) -> Event:
    team = lock_and_require(actor, Action.APPROVE_JOIN, membership.team)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.state != Membership.State.REQUESTED:
        raise ValidationError(_("This join request has already been answered."))
    if approve:
        membership.state = Membership.State.ACTIVE
        membership.save(update_fields=["state"])
        _grant_role_permissions(membership)
        return events.record(team, "member.added", actor, member_summary(membership))
    summary = member_summary(membership)
    membership.delete()
    return events.record(team, "member.declined", actor, summary)


@transaction.atomic
def change_role(actor: User, membership: Membership, *, role: str) -> Event:
    team = lock_and_require(actor, Action.CHANGE_ROLES, membership.team)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if membership.state != Membership.State.ACTIVE:
        raise ValidationError(_("Answer the join request first."))
    if role == Membership.Role.LEAD and not membership.user.is_active:
        raise ValidationError({"role": _("A deactivated person cannot lead a team.")})
    _check_not_last_lead(membership, role)
    return _set_role(actor, team, membership, role)


def _set_role(actor: User, team: Team, membership: Membership, role: str) -> Event:
    membership.role = role
    membership.save(update_fields=["role"])
    _grant_role_permissions(membership)
    return events.record(team, "member.role_changed", actor, member_summary(membership))


@transaction.atomic
def remove_member(actor: User, membership: Membership) -> Event:
    """Removing someone, or leaving (the rule: permissions.require_removal, so the lock is taken alone)."""
    team = lock_team(membership.team)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    require_removal(actor, membership, team)
    _check_not_last_lead(membership)
    return _remove(actor, team, membership)


def _remove(actor: User, team: Team, membership: Membership) -> Event:
    summary = member_summary(membership)
    membership.state = Membership.State.REQUESTED  # revoke before delete: guardian rows go with the role
    _grant_role_permissions(membership)
    membership.delete()
    return events.record(team, "member.removed", actor, summary)


@transaction.atomic
def hand_over_and_leave(actor: User, membership: Membership, *, successor: Membership) -> list[Event]:
    """A lead leaves and makes another active member of the team lead in the same step (the last lead may leave
    only so); a deactivated person is no successor. Records member.role_changed for the successor, then
    member.removed."""
    team = lock_and_require(actor, Action.CHANGE_ROLES, membership.team)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.user_id != actor.pk:
        raise PermissionDenied(_("Only the lead themself hands over and leaves."))
    fresh = Membership.objects.select_related("user").filter(
        pk=successor.pk, team=team, state=Membership.State.ACTIVE, user__is_active=True,
    ).exclude(pk=membership.pk).first()
    if fresh is None:
        raise ValidationError({"successor": _("Choose another member of this team as the new lead.")})
    recorded = [] if fresh.role == Membership.Role.LEAD else [_set_role(actor, team, fresh, Membership.Role.LEAD)]
    return [*recorded, _remove(actor, team, membership)]
