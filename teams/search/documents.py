"""What each searchable thing puts into the index: one builder per kind, used by the write path (indexing.py)
and by the rebuild (rebuild.py) alike, so both index the same text.

Who may find a document follows the pages: a team's public card and people are for every signed-in person;
the board, the channels, outputs, the closing report and review notes for whoever may view the team; a review
meeting (agenda and minutes) for whoever may view one of its teams (teams.permissions.can_see_meeting).
"""
import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User

from teams.board.models import Card, Comment
from teams.models import Team
from teams.review.models import ClosingReport, Output, ReviewMeeting, ReviewNote

from .models import Document, Kind

MAX_BODY = 40_000  # characters indexed of one document (a card with a long description and checklist)


def _text(*parts: str | None) -> str:
    return "\n".join(part for part in parts if part)[:MAX_BODY]


def _of_team(kind: str, object_id: int, team_id: int, **fields) -> Document:
    """A document the team's viewers may read."""
    return Document(kind=kind, object_id=object_id, team_id=team_id, audience=team_id, **fields)


def team_document(team: Team) -> Document:
    """The team's public card: for everyone."""
    return Document(kind=Kind.TEAM, object_id=team.pk, team_id=team.pk, audience=Document.PUBLIC, title=team.name,
                    body=_text(team.purpose), author_id=team.proposed_by_id, created_at=team.created_at)


def card_document(card: Card, checklist: Iterable[str], labels: Iterable[str]) -> Document:
    """The task with its description, checklist items and labels (its comments are documents of their own)."""
    return _of_team(Kind.CARD, card.pk, card.team_id, title=card.title,
                    body=_text(card.description, *checklist, *labels), author_id=card.created_by_id,
                    created_at=card.created_at)


def comment_document(comment: Comment, team_id: int) -> Document:
    return _of_team(Kind.COMMENT, comment.pk, team_id, parent_id=comment.card_id, body=_text(comment.body),
                    author_id=comment.author_id, created_at=comment.created_at)


def message_document(team_id: int, *, message: int, channel: int, thread: int | None, author: int | None,
                     body: str, created_at: datetime.datetime) -> Document:
    """From a message's fields, as the message events carry them (teams.discussion.messages.message_data)."""
    return _of_team(Kind.MESSAGE, message, team_id, channel_id=channel, parent_id=thread, body=_text(body),
                    author_id=author, created_at=created_at)


def output_document(output: Output) -> Document:
    return _of_team(Kind.OUTPUT, output.pk, output.team_id, title=output.title, body=_text(output.link),
                    author_id=output.created_by_id, created_at=output.created_at)


def report_document(report: ClosingReport) -> Document:
    return _of_team(Kind.REPORT, report.pk, report.team_id, body=_text(report.summary, report.lessons),
                    author_id=report.written_by_id, created_at=report.created_at)


def note_document(note: ReviewNote) -> Document:
    return _of_team(Kind.NOTE, note.pk, note.team_id, body=_text(note.body), author_id=note.author_id,
                    created_at=note.created_at)


def meeting_document(meeting: ReviewMeeting) -> Document:
    """No team of its own: the query lets in whoever may view one of the meeting's teams."""
    return Document(kind=Kind.MEETING, object_id=meeting.pk, audience=Document.MEETING, title=meeting.title,
                    body=_text(meeting.agenda, meeting.minutes),
                    author_id=meeting.minutes_by_id or meeting.created_by_id, created_at=meeting.scheduled_for)


def person_document(user: User, organisation: str | None, keywords: list[str]) -> Document:
    """A person by name, login, organisation and expertise keywords, for everyone signed in (as the directory);
    their author is themselves. `indexing.people_documents` reads what this needs for many people at once."""
    return Document(kind=Kind.PERSON, object_id=user.pk, audience=Document.PUBLIC, author_id=user.pk,
                    title=user.get_full_name() or user.username,
                    body=_text(user.username, organisation, ", ".join(keywords)),
                    created_at=user.date_joined)
