"""Every write to task boards (see teams/services.py for the pattern)."""


def set_up_board(team, actor):
    """Called when a team is launched: give it a board with default columns."""
