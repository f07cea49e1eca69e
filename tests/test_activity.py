"""Recent activity: a sentence for every kind of event the code can record, in English and German;
chat summarised per channel instead of one line per message."""
import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from teams.activity import TEXT, describe
from teams.board.cards import create_card
from teams.board.checklists import add_checklist_item
from teams.board.models import Card, Column
from teams.discussion.posting import post_message
from teams.discussion.reactions import add_reaction
from teams.models import Event
from teams.review import meetings as review_meetings
from tests.discussion_helpers import general

ROOT = Path(__file__).resolve().parent.parent
KIND = re.compile(r"^[a-z_]+\.[a-z_]+$")
RECORDERS = {"record", "record_many", "touch"}  # events.record/record_many and the board's helper (board.state)


def _is_audit(call):
    """teams.audit.trail.record writes the audit trail, not a team's event log: its kinds are no activity."""
    return isinstance(call.func, ast.Attribute) and getattr(call.func.value, "id", None) == "trail"


def recordable_kinds():
    """Every event kind passed as a literal to a recording call anywhere in the project's code."""
    kinds = set()
    for path in [*(ROOT / "teams").rglob("*.py"), *(ROOT / "realtime").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in RECORDERS
                    and not _is_audit(node)):
                kinds |= {arg.value for arg in node.args
                          if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and KIND.match(arg.value)}
    return kinds


def test_the_code_is_searched_where_it_records():
    assert {"message.posted", "reaction.added", "card.checklist_changed", "review_note.added",
            "team.launched", "card.due_soon"} <= recordable_kinds()


@pytest.mark.parametrize("kind", sorted(recordable_kinds()))
def test_every_recordable_kind_has_a_sentence_in_both_languages(kind):
    assert kind in TEXT, f"{kind} has no sentence in teams/activity.py"
    event = Event(kind=kind, data={"title": "Plan", "name": "Ada", "role": "expert", "end_date": "2026-12-18",
                                   "due_date": "2026-12-01", "emoji": "👍"})
    with translation.override("en"):
        english = describe(event)
    with translation.override("de"):
        german = describe(event)
    assert kind not in english and kind not in german
    assert german != english, f"{kind}: not translated ({english!r})"
    assert "2026-" not in english + german  # dates in the language's format, never ISO


@pytest.mark.django_db
def test_recent_activity_is_sentences_and_chat_is_summarised(client, people, team):
    channel = general(team)
    for n in range(12):
        message = post_message(people["expert"], team, channel=channel, body=f"Hi {n}")
    add_reaction(people["lead"], team, message=message, emoji="👍")
    column = Column.objects.filter(team=team).order_by("rank").first()
    created = create_card(people["lead"], team, column=column, title="Plan")
    card = Card.objects.get(pk=created.data["card"])
    add_checklist_item(people["lead"], card, text="Ask")
    review_meetings.add_review_note(people["advisor"], team, body="Good start")
    client.force_login(people["lead"])
    pages = {language: client.get(f"/teams/{team.slug}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
             for language in ("en", "de")}
    english, german = pages["en"], pages["de"]
    activity = {language: page[page.index('<ol class="activity">'):] for language, page in pages.items()}
    for language, section in activity.items():
        section = section[:section.index("</ol>")]
        assert not any(kind in section for kind in TEXT), f"a raw event code in {language}"
        assert section.count("<li>") < 12, language
    assert "12 messages in #general" in english and "wrote a review note" in english
    assert "updated the checklist of “Plan”" in english
    assert "12 Nachrichten in #general" in german and "hat eine Review-Notiz geschrieben" in german
    assert "Checkliste" in activity["de"] and "Plan" in activity["de"]
