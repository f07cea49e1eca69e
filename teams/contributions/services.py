"""The one write path of contributions, following the contract of teams/services.py.

The rule (`may_state`): a member states their own contribution, in any role, while the team is open (proposed,
or running within its time frame). Nobody states or edits someone else's: not a lead, not cluster management.
A change is a team event ("contribution.changed"), so the team page updates live.
"""
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Membership, Team
from teams.permissions import READ_ONLY_MESSAGE, lock_team
from teams.text_input import bounded_text

from .models import MAX_HOURS, OFFERS, TEXT_MAX, Contribution


def team_is_open(team: Team) -> bool:
    return team.status == Team.Status.PROPOSED or team.is_writable


def _is_own(user: User, membership: Membership) -> bool:
    return (user.is_authenticated and user.is_active and membership.user_id == user.pk
            and membership.state == Membership.State.ACTIVE)


def may_state(user: User, membership: Membership, team: Team) -> bool:
    """Whether `user` may state (or change) the contribution of `membership` in `team`."""
    return _is_own(user, membership) and membership.team_id == team.pk and team_is_open(team)


def _require(actor: User, membership: Membership, team: Team) -> None:
    if not _is_own(actor, membership):
        raise PermissionDenied(_("Each member states their own contribution; nobody edits someone else's."))
    if not team_is_open(team):
        raise PermissionDenied(READ_ONLY_MESSAGE)


def _hours(value: object) -> int:
    if type(value) is not int:
        raise ValidationError({"hours_per_month": _("Enter the hours per month as a whole number.")})
    if not 0 <= value <= MAX_HOURS:
        raise ValidationError({"hours_per_month": _("Enter between 0 and %(max)d hours per month.")
                               % {"max": MAX_HOURS}})
    return value


def summary(contribution: Contribution) -> dict:
    user = contribution.membership.user
    return {"user": user.pk, "name": user.get_full_name() or user.username,
            "hours_per_month": contribution.hours_per_month,
            "offers": [name for name in OFFERS if getattr(contribution, name)]}


@transaction.atomic
def state_contribution(actor: User, membership: Membership, *, hours_per_month: int, facilities: str = "",
                       data: str = "", funding: str = "", network: str = "") -> Event | None:
    """The member's own contribution to their team; the Event, or None when nothing changed."""
    team = lock_team(membership.team)
    fresh = Membership.objects.select_related("user").filter(pk=membership.pk, team=team).first()
    if fresh is None:  # left the team meanwhile
        raise PermissionDenied(_("Each member states their own contribution; nobody edits someone else's."))
    membership = fresh
    _require(actor, membership, team)
    texts = {"facilities": facilities, "data": data, "funding": funding, "network": network}
    errors: dict[str, list[str]] = {}
    values: dict[str, object] = {}
    for name, value in [("hours_per_month", hours_per_month), *texts.items()]:
        try:
            values[name] = _hours(value) if name == "hours_per_month" else bounded_text(
                value, field=name, max_length=TEXT_MAX, lines=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    contribution = Contribution.objects.filter(membership=membership).first()
    if contribution is not None and all(getattr(contribution, name) == value for name, value in values.items()):
        return None
    contribution = contribution or Contribution(membership=membership)
    for name, value in values.items():
        setattr(contribution, name, value)
    contribution.updated_at = timezone.now()
    contribution.full_clean(exclude=["membership"])
    contribution.save()
    return events.record(team, "contribution.changed", actor, summary(contribution))
