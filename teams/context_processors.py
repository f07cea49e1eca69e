from .audit.access import can_read_audit
from .permissions import can_launch_teams


def cluster(request):
    """What the navigation needs to know about the viewer's cluster role."""
    if not hasattr(request, "user"):
        return {"can_launch_teams": False, "can_read_audit": False}
    return {"can_launch_teams": can_launch_teams(request.user), "can_read_audit": can_read_audit(request.user)}
