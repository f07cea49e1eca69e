"""Every write to discussion channels (see teams/services.py for the pattern)."""


def set_up_channels(team, actor):
    """Called when a team is launched: give it its "general" channel."""
