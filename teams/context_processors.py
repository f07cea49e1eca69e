from .permissions import can_launch_teams


def cluster(request):
    """What the navigation needs to know about the viewer's cluster role."""
    return {"can_launch_teams": can_launch_teams(request.user) if hasattr(request, "user") else False}
