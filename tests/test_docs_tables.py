"""The protocol documents list each frame, event, command or code once per table (a merge once left
`channel.created` and `message.posted` twice in docs/realtime.md's discussion events, the older rows first)."""
from collections import Counter
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


def tables(text):
    """The first cells of each Markdown table's rows (header and rule rows left out)."""
    table: list[str] = []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            table.append(line.split("|")[1].strip())
        elif table:
            yield table[2:]
            table = []


@pytest.mark.parametrize("name", ["realtime.md", "board.md"])
def test_no_row_is_listed_twice_in_a_table(name):
    for rows in tables((DOCS / name).read_text()):
        assert [row for row, n in Counter(rows).items() if n > 1] == [], (name, rows)
