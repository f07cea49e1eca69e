"""Every write to teams and memberships: permission → validation → transaction → event.

Views, consumers, admin actions and Celery jobs call these functions and nothing else
to change a team. They raise PermissionDenied or ValidationError with messages meant
for the person who asked.
"""
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import events
from .models import Membership, Team, TeamUserObjectPermission
from .permissions import ROLE_PERMISSIONS, Action, can, can_launch_teams, can_propose, require

# Lifecycle: which statuses each transition starts from, and where it leads.
TRANSITIONS = {
    Action.LAUNCH: ({Team.Status.PROPOSED}, Team.Status.ACTIVE),
    Action.EXTEND: ({Team.Status.ACTIVE, Team.Status.EXTENDED}, Team.Status.EXTENDED),
    Action.CONCLUDE: ({Team.Status.ACTIVE, Team.Status.EXTENDED}, Team.Status.CONCLUDED),
    Action.ARCHIVE: ({Team.Status.CONCLUDED}, Team.Status.ARCHIVED),
}


def team_summary(team):
    return {
        "id": team.pk, "slug": team.slug, "name": team.name, "status": team.status,
        "start_date": team.start_date.isoformat(), "end_date": team.end_date.isoformat(),
    }


def member_summary(membership):
    user = membership.user
    return {"user": user.pk, "name": user.get_full_name() or user.username, "role": membership.role,
            "state": membership.state}


def _validate_dates(start_date, end_date):
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end date must not be before the start date.")})


def _validate_end_not_past(end_date):
    if end_date < timezone.localdate():
        raise ValidationError({"end_date": _("The end date is in the past: a team needs time ahead of it.")})


def _validate_selection(goals, fields_of_action):
    errors = {}
    if not goals:
        errors["goals"] = _("Link the team to at least one strategic goal.")
    if not fields_of_action:
        errors["fields_of_action"] = _("Choose the team's field of action (or both for a cross-field team).")
    if errors:
        raise ValidationError(errors)


def _unique_slug(name):
    base = slugify(name)[:60] or "team"
    slug, n = base, 2
    while Team.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _create(actor, *, name, purpose, goals, fields_of_action, start_date, end_date, status):
    _validate_dates(start_date, end_date)
    _validate_end_not_past(end_date)
    _validate_selection(goals, fields_of_action)
    team = Team(slug=_unique_slug(name), name=name, purpose=purpose, start_date=start_date,
                end_date=end_date, status=status, proposed_by=actor)
    team.full_clean(exclude=["slug"])
    team.save()
    team.goals.set(goals)
    team.fields_of_action.set(fields_of_action)
    return team


def _transition(team, action):
    sources, target = TRANSITIONS[action]
    if team.status not in sources:
        raise ValidationError(
            _("A team that is %(status)s cannot be %(verb)s.")
            % {"status": team.get_status_display().lower(), "verb": _VERB[action]}
        )
    team.status = target


# Lazy: looked up in the language of the request that meets the refusal, not at import.
_VERB = {Action.LAUNCH: gettext_lazy("launched"), Action.EXTEND: gettext_lazy("extended"),
         Action.CONCLUDE: gettext_lazy("concluded"), Action.ARCHIVE: gettext_lazy("archived")}


def _on_launch(team, actor):
    # Each workspace part sets itself up for a newly running team.
    from teams.board.columns import set_up_board
    from teams.discussion.channels import set_up_channels

    set_up_board(team, actor)
    set_up_channels(team, actor)


@transaction.atomic
def propose_team(actor, *, name, purpose, goals, fields_of_action, start_date, end_date):
    """Any expert proposes a team; they become its lead. Cluster management launches it."""
    if not can_propose(actor):
        raise PermissionDenied(_("Log in to propose a topic team."))
    team = _create(actor, name=name, purpose=purpose, goals=goals, fields_of_action=fields_of_action,
                   start_date=start_date, end_date=end_date, status=Team.Status.PROPOSED)
    _add_member(team, actor, Membership.Role.LEAD)
    events.record(team, "team.proposed", actor, {"team": team_summary(team)})
    return team


@transaction.atomic
def launch_new_team(actor, *, name, purpose, goals, fields_of_action, start_date, end_date, lead=None,
                    supporters=()):
    """Cluster management sets up and launches a team in one step."""
    if not can_launch_teams(actor):
        raise PermissionDenied(_("Only cluster management launches topic teams."))
    team = _create(actor, name=name, purpose=purpose, goals=goals, fields_of_action=fields_of_action,
                   start_date=start_date, end_date=end_date, status=Team.Status.ACTIVE)
    if lead is not None:
        _add_member(team, lead, Membership.Role.LEAD)
    for supporter in supporters:
        if supporter != lead:
            _add_member(team, supporter, Membership.Role.SUPPORTER)
    events.record(team, "team.launched", actor, {"team": team_summary(team)})
    _on_launch(team, actor)
    return team


@transaction.atomic
def launch_team(actor, team, *, start_date=None, end_date=None):
    """Cluster management launches a proposed team, optionally adjusting its time frame."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    require(actor, Action.LAUNCH, team)
    _transition(team, Action.LAUNCH)
    team.start_date = start_date or team.start_date
    team.end_date = end_date or team.end_date
    _validate_dates(team.start_date, team.end_date)
    _validate_end_not_past(team.end_date)
    team.save(update_fields=["status", "start_date", "end_date"])
    events.record(team, "team.launched", actor, {"team": team_summary(team)})
    _on_launch(team, actor)
    return team


@transaction.atomic
def update_team(actor, team, *, name, purpose, goals, fields_of_action):
    team = Team.objects.select_for_update().get(pk=team.pk)
    require(actor, Action.EDIT, team)
    _validate_selection(goals, fields_of_action)
    team.name, team.purpose = name, purpose
    team.full_clean(exclude=["slug"])
    team.save(update_fields=["name", "purpose"])
    team.goals.set(goals)
    team.fields_of_action.set(fields_of_action)
    events.record(team, "team.updated", actor, {"team": team_summary(team),
                                                 "goals": sorted(g.code for g in goals)})
    return team


@transaction.atomic
def extend_team(actor, team, *, end_date):
    team = Team.objects.select_for_update().get(pk=team.pk)
    require(actor, Action.EXTEND, team)
    _transition(team, Action.EXTEND)
    if end_date <= team.end_date:
        raise ValidationError({"end_date": _("The new end date must be after the current one (%(date)s).")
                               % {"date": team.end_date.isoformat()}})
    if end_date < timezone.localdate():
        raise ValidationError({"end_date": _("The new end date must not be in the past.")})
    previous = team.end_date
    team.end_date = end_date
    team.save(update_fields=["status", "end_date"])
    events.record(team, "team.extended", actor, {"team": team_summary(team), "previous_end_date":
                                                 previous.isoformat()})
    return team


@transaction.atomic
def conclude_team(actor, team):
    team = Team.objects.select_for_update().get(pk=team.pk)
    require(actor, Action.CONCLUDE, team)
    _transition(team, Action.CONCLUDE)
    team.save(update_fields=["status"])
    events.record(team, "team.concluded", actor, {"team": team_summary(team)})
    return team


@transaction.atomic
def archive_team(actor, team):
    team = Team.objects.select_for_update().get(pk=team.pk)
    require(actor, Action.ARCHIVE, team)
    _transition(team, Action.ARCHIVE)
    team.save(update_fields=["status"])
    events.record(team, "team.archived", actor, {"team": team_summary(team)})
    return team


# Members ----------------------------------------------------------------------------

def _grant_role_permissions(membership):
    """Make the user's guardian permissions on the team exactly those of the role."""
    TeamUserObjectPermission.objects.filter(user=membership.user, content_object=membership.team).delete()
    if membership.state != Membership.State.ACTIVE:
        return
    codenames = ROLE_PERMISSIONS[membership.role]
    perms = Permission.objects.filter(content_type__app_label="teams", codename__in=codenames)
    TeamUserObjectPermission.objects.bulk_create(
        TeamUserObjectPermission(user=membership.user, content_object=membership.team, permission=perm)
        for perm in perms
    )


def _add_member(team, user, role, state=Membership.State.ACTIVE):
    membership = Membership.objects.create(team=team, user=user, role=role, state=state)
    _grant_role_permissions(membership)
    return membership


def _lock_team(team):
    return Team.objects.select_for_update().get(pk=team.pk)


def _check_not_last_lead(membership, new_role=None):
    if membership.role != Membership.Role.LEAD or new_role == Membership.Role.LEAD:
        return
    leads = Membership.objects.filter(team=membership.team, role=Membership.Role.LEAD,
                                      state=Membership.State.ACTIVE).count()
    if leads <= 1:
        raise ValidationError(_("A team needs a lead: make someone else lead first."))


@transaction.atomic
def invite_member(actor, team, *, user, role):
    team = _lock_team(team)
    require(actor, Action.INVITE, team)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Membership.Role.LEAD and not can(actor, Action.CHANGE_ROLES, team):
        raise PermissionDenied(_("Only a lead or cluster management can name a lead."))
    existing = Membership.objects.filter(team=team, user=user).first()
    if existing and existing.state == Membership.State.ACTIVE:
        raise ValidationError({"user": _("%(name)s is already a member.") % {"name": user.get_full_name() or user}})
    if existing:  # an open join request: inviting answers it
        existing.role, existing.state = role, Membership.State.ACTIVE
        existing.save(update_fields=["role", "state"])
        membership = existing
        _grant_role_permissions(membership)
    else:
        membership = _add_member(team, user, role)
    events.record(team, "member.added", actor, member_summary(membership))
    return membership


@transaction.atomic
def request_to_join(actor, team, *, message=""):
    team = _lock_team(team)
    require(actor, Action.REQUEST_JOIN, team)
    if Membership.objects.filter(team=team, user=actor).exists():
        raise ValidationError(_("You have already asked to join this team."))
    membership = Membership(team=team, user=actor, role=Membership.Role.EXPERT,
                            state=Membership.State.REQUESTED, message=message)
    membership.full_clean(exclude=["team", "user"])
    membership.save()
    events.record(team, "member.requested", actor, {**member_summary(membership), "message": message})
    return membership


@transaction.atomic
def answer_join_request(actor, membership, *, approve):
    team = _lock_team(membership.team)
    require(actor, Action.APPROVE_JOIN, team)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.state != Membership.State.REQUESTED:
        raise ValidationError(_("This join request has already been answered."))
    if approve:
        membership.state = Membership.State.ACTIVE
        membership.save(update_fields=["state"])
        _grant_role_permissions(membership)
        events.record(team, "member.added", actor, member_summary(membership))
    else:
        summary = member_summary(membership)
        membership.delete()
        events.record(team, "member.declined", actor, summary)
    return membership


@transaction.atomic
def change_role(actor, membership, *, role):
    team = _lock_team(membership.team)
    require(actor, Action.CHANGE_ROLES, team)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if membership.state != Membership.State.ACTIVE:
        raise ValidationError(_("Answer the join request first."))
    _check_not_last_lead(membership, role)
    membership.role = role
    membership.save(update_fields=["role"])
    _grant_role_permissions(membership)
    events.record(team, "member.role_changed", actor, member_summary(membership))
    return membership


@transaction.atomic
def remove_member(actor, membership):
    team = _lock_team(membership.team)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.user_id != actor.pk:  # anyone may leave; removing others needs the right
        require(actor, Action.REMOVE_MEMBER, team)
    _check_not_last_lead(membership)
    summary = member_summary(membership)
    membership.state = Membership.State.REQUESTED  # revoke before delete: guardian rows go with the role
    _grant_role_permissions(membership)
    membership.delete()
    events.record(team, "member.removed", actor, summary)
