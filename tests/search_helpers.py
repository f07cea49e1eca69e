"""A team with one searchable thing of every kind, each carrying its own word, made through the services (so the
index is written by the write path, as in real life); and small readers of search results."""
import datetime

from django.utils import timezone

from teams.board import cards as card_services
from teams.board import comments as comment_services
from teams.board.models import Card, Column
from teams.discussion.posting import post_message
from teams.review import closing, meetings, outputs
from teams.search.models import Kind
from teams.search.query import query, suggest
from tests.conftest import make_user
from tests.discussion_helpers import general

# kind → the made-up word only that thing carries (stemmed alike by both languages)
WORDS = {kind.value: f"zq{kind.value}" for kind in Kind}


def first_column(team):
    return Column.objects.filter(team=team, archived=False).order_by("rank", "id").first()


def new_card(actor, team, title, **fields):
    event = card_services.create_card(actor, team, column=first_column(team), title=title, **fields)
    return Card.objects.get(pk=event.data["card"])


def fill(people, make_team):
    """A concluded LST team (the matrix's `team`) holding a thing of every kind; returns {kind: its url part}."""
    team = make_team(name="Quiet team", purpose=f"A purpose about {WORDS['team']}.")
    lead, advisor = people["lead"], people["advisor"]
    card = new_card(lead, team, f"A task on {WORDS['card']}")
    comment_services.add_comment(lead, card, body=f"A comment on {WORDS['comment']}")
    message = post_message(lead, team, channel=general(team), body=f"We talk about {WORDS['message']}")
    output = outputs.add_output(lead, team, title=f"A paper on {WORDS['output']}", kind="position")
    note = meetings.add_review_note(advisor, team, body=f"A note on {WORDS['note']}")
    meeting = meetings.schedule_review(advisor, title="Spring review", teams=[team],
                                       scheduled_for=timezone.now() + datetime.timedelta(days=3))
    meetings.record_minutes(advisor, meeting, minutes=f"Minutes on {WORDS['meeting']}")
    closing.conclude_with_report(people["manager"], team, summary=f"We achieved {WORDS['report']}")
    person = make_user(WORDS["person"])
    team.refresh_from_db()
    return team, {
        Kind.TEAM: f"/teams/{team.slug}/", Kind.CARD: f"/board/cards/{card.pk}/",
        Kind.COMMENT: f"/board/cards/{card.pk}/#comment-", Kind.MESSAGE: f"?message={message.pk}",
        Kind.OUTPUT: f"/outputs/#output-{output.pk}", Kind.REPORT: "/review/#closing-report",
        Kind.NOTE: f"/review/#note-{note.pk}", Kind.MEETING: f"/review/meetings/{meeting.pk}/",
        Kind.PERSON: f"/people/{person.username}/",
    }


def found(user, typed, **options):
    """(kind, url) of every hit of `typed` for `user` (one page of the results)."""
    return [(hit.kind, hit.url) for hit in query(user, typed, **options).hits]


def kinds_found(user, typed, **options):
    return sorted({hit.kind for hit in query(user, typed, **options).hits})


def suggested(user, typed):
    return sorted({hit.kind for group in suggest(user, typed)[1] for hit in group.hits})
