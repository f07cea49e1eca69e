"""Who reads the audit log: cluster management only (an active member of it, or a superuser). The one rule, for
the page, its CSV and the navigation link."""
from django.contrib.auth.models import AnonymousUser, User

from teams.permissions import is_cluster_management


def can_read_audit(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and is_cluster_management(user)
