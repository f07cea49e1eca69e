"""Who may have a person's data exported: the one rule, asked by services.request_export and by the pages
that offer the button."""
from django.contrib.auth.models import User

from teams.permissions import is_cluster_management


def may_request_export(actor: User, person: User) -> bool:
    """The person themself, or cluster management for anyone; nobody else (not a team's lead, not a
    field-of-action manager, not the advisory board)."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    return actor.pk == person.pk or is_cluster_management(actor)
