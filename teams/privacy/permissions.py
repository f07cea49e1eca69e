"""Who may change the notices: the one place the question is answered (views and services ask here)."""
from django.contrib.auth.models import User

from teams.permissions import is_cluster_management


def can_edit_notices(user: User) -> bool:
    """Cluster management edits the privacy notice and the imprint; everyone reads them (no login needed)."""
    return user.is_authenticated and user.is_active and is_cluster_management(user)
