"""Demo content for the discussion (filled in by its issue)."""


def populate_channels(team, people):
    pass
