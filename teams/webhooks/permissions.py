"""Who manages a team's webhooks and sees their deliveries: the team's leads and cluster management.

Not the supporting field-of-action managers: a webhook sends the team's content (messages included) out of the
workspace to a system of someone's choice, a decision for those responsible for the team. Everyone else gets
404 (the pages) or PermissionDenied (the services).
"""
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from teams.models import Membership, Team
from teams.permissions import is_cluster_management


def can_manage_webhooks(user: User, team: Team) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_cluster_management(user):
        return True
    return Membership.objects.filter(team=team, user=user, role=Membership.Role.LEAD,
                                     state=Membership.State.ACTIVE).exists()


def require_manage_webhooks(user: User, team: Team) -> None:
    if not can_manage_webhooks(user, team):
        raise PermissionDenied(_("Only the team's leads and cluster management manage its webhooks."))
