from functools import partial

from .audit.access import can_read_audit
from .permissions import can_launch_teams


def cluster(request):
    """What the navigation needs to know about the viewer's cluster role: callables, which a template calls when it
    uses them, so a fragment rendered with the request (htmx rows) that does not costs no query."""
    if not hasattr(request, "user"):
        return {"can_launch_teams": False, "can_read_audit": False}
    return {"can_launch_teams": partial(can_launch_teams, request.user),
            "can_read_audit": partial(can_read_audit, request.user)}
