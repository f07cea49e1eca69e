"""The index is always current: whatever a service changes is found (or no longer found) the moment it is
committed, because the index is written in the same transaction (teams.search.indexing). Every kind, through the
services people use (and the admin's bulk delete); a rolled-back change leaves no trace in the index, and a fault
of the index never fails the change."""
import datetime
import logging

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teams import events, services
from teams.board import cards, checklists, comments
from teams.board.models import ChecklistItem
from teams.discussion import messages
from teams.discussion.models import Message
from teams.discussion.posting import Post, post_message, post_messages
from teams.people.models import Organisation
from teams.people.services import organisation_named, set_expertise
from teams.review import closing, meetings, outputs
from teams.search import indexing
from teams.search.models import Document, Kind
from teams.search.query import query
from tests.conftest import make_user, team_data
from tests.discussion_helpers import general
from tests.search_helpers import kinds_found, new_card

pytestmark = pytest.mark.django_db


def test_a_message_is_found_when_posted_edited_and_deleted(people, team):
    lead, reader = people["lead"], people["observer"]
    message = post_message(lead, team, channel=general(team), body="Wer kennt die Förderrichtlinie?")
    assert kinds_found(reader, "Förderrichtlinie") == ["message"]
    messages.edit_message(lead, team, message=message.pk, body="Wer kennt das Förderprogramm?")
    assert kinds_found(reader, "Förderrichtlinie") == []
    assert kinds_found(reader, "Förderprogramm") == ["message"]
    messages.delete_message(lead, team, message=message.pk)
    assert kinds_found(reader, "Förderprogramm") == []
    assert not Document.objects.filter(kind=Kind.MESSAGE, object_id=message.pk).exists()


def test_thread_replies_and_batches_are_found(people, team, settings):
    settings.DISCUSSION_POST_RATE = (1000, 30)
    lead, expert = people["lead"], people["expert"]
    root = post_message(lead, team, channel=general(team), body="Thread start")
    reply = post_message(expert, team, channel=general(team), body="Eine Antwort zur Quartalsplanung", thread=root)
    [hit] = query(lead, "Quartalsplanung").hits
    assert hit.url == f"/teams/{team.slug}/channels/{general(team).pk}/?message={reply.pk}"
    batch = post_messages(team, [Post(lead, general(team), f"Batch Nachricht Nummer{n}") for n in range(5)])
    assert all(isinstance(outcome, Message) for outcome in batch)
    for n in range(5):
        assert kinds_found(expert, f"Nummer{n}") == ["message"]


def test_the_admins_bulk_delete_removes_messages_from_the_index(client, people, team):
    posted = [post_message(people["lead"], team, channel=general(team), body=f"Altlast {n}") for n in range(3)]
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    client.post(reverse("admin:discussion_message_changelist"),
                {"action": "delete_messages", "_selected_action": [m.pk for m in posted[:2]]})
    assert Message.objects.filter(deleted_at__isnull=False).count() == 2
    assert kinds_found(people["lead"], "Altlast") == ["message"]
    assert Document.objects.filter(kind=Kind.MESSAGE, object_id__in=[m.pk for m in posted]).count() == 1


def test_a_card_is_found_by_title_description_labels_checklist_and_comments(people, team):
    lead, reader = people["lead"], people["observer"]
    card = new_card(lead, team, "Datenschutzkonzept", description="Mit dem Klinikum abstimmen", labels=["rechtlich"])
    for word in ("Datenschutzkonzept", "Klinikum", "rechtlich"):
        assert kinds_found(reader, word) == ["card"], word
    cards.update_card(lead, card, version=None, title="Datenschutzfolgenabschätzung", labels=["vertraulich"])
    assert kinds_found(reader, "Datenschutzkonzept") == [] and kinds_found(reader, "rechtlich") == []
    assert kinds_found(reader, "Datenschutzfolgenabschätzung vertraulich") == ["card"]
    checklists.add_checklist_item(lead, card, text="Einwilligungserklärung prüfen")
    assert kinds_found(reader, "Einwilligungserklärung") == ["card"]
    checklists.remove_checklist_item(lead, ChecklistItem.objects.get(card=card))
    assert kinds_found(reader, "Einwilligungserklärung") == []
    comments.add_comment(lead, card, body="Der Betriebsrat muss zustimmen")
    assert kinds_found(reader, "Betriebsrat") == ["comment"]
    card.refresh_from_db()
    cards.archive_card(lead, card, version=card.version)
    assert kinds_found(reader, "Datenschutzfolgenabschätzung") == [] and kinds_found(reader, "Betriebsrat") == []


def test_teams_are_found_when_proposed_renamed_and_concluded(people, team):
    proposal = services.propose_team(people["expert"], **team_data(name="Pflegeroboter", purpose="Robotik im Heim"))
    assert kinds_found(people["outsider"], "Pflegeroboter") == ["team"]  # a proposal's public card
    services.update_team(people["manager"], team, name="Gesundheitsdatenraum", purpose="Daten teilen",
                         goals=list(team.goals.all()), fields_of_action=list(team.fields_of_action.all()))
    assert kinds_found(people["outsider"], "Gesundheitsdatenraum") == ["team"]
    assert kinds_found(people["outsider"], "Data Spaces") == []
    services.conclude_team(people["manager"], team)
    [hit] = query(people["outsider"], "Gesundheitsdatenraum").hits
    assert hit.team.phase == "concluded" and proposal.status == "proposed"


def test_outputs_reports_notes_and_minutes_are_found(people, team):
    lead, advisor, reader = people["lead"], people["advisor"], people["observer"]
    outputs.add_output(lead, team, title="Positionspapier Versorgungsforschung", kind="position")
    meetings.add_review_note(advisor, team, body="Der Beirat lobt die Zwischenergebnisse")
    meeting = meetings.schedule_review(advisor, title="Frühjahrsbegutachtung", teams=[team],
                                       scheduled_for=timezone.now() + datetime.timedelta(days=1))
    assert kinds_found(reader, "Frühjahrsbegutachtung") == ["meeting"]
    meetings.record_minutes(advisor, meeting, minutes="Beschlossen: Verlängerung beantragen")
    closing.conclude_with_report(people["manager"], team, summary="Ergebnis: ein Versorgungsnetzwerk",
                                 lessons="Früh die Kassen einbinden")
    for word, kind in [("Versorgungsforschung", "output"), ("Zwischenergebnisse", "note"), ("Verlängerung", "meeting"),
                       ("Versorgungsnetzwerk", "report"), ("Kassen", "report")]:
        assert kinds_found(reader, word) == [kind], word


def test_people_are_found_by_name_and_organisation(people):
    person = make_user("wiebke")
    assert kinds_found(people["outsider"], "Wiebke") == ["person"]
    person.first_name, person.last_name = "Wiebke", "Oltmanns"
    person.save()
    assert kinds_found(people["outsider"], "Oltmanns") == ["person"]
    person.profile.organisation = organisation_named("Charité Universitätsmedizin")
    person.profile.save()
    assert kinds_found(people["outsider"], "Universitätsmedizin") == ["person"]
    organisation = Organisation.objects.get(pk=person.profile.organisation_id)
    organisation.name = "Charité Berlin"
    organisation.save()  # renamed (admin): its people are found by the new name
    assert kinds_found(people["outsider"], "Universitätsmedizin") == [] and kinds_found(people["outsider"], "Charité")
    person.is_active = False
    person.save()
    assert kinds_found(people["outsider"], "Oltmanns") == []


def test_people_are_found_by_their_expertise_keywords(people):
    person = make_user("wiebke")
    assert kinds_found(people["outsider"], "Telepflege") == []
    set_expertise(person, person, keywords=["Telepflege", "FHIR"])
    assert kinds_found(people["outsider"], "Telepflege") == ["person"]
    set_expertise(person, person, keywords=["FHIR"])
    assert kinds_found(people["outsider"], "Telepflege") == [] and kinds_found(people["outsider"], "FHIR") == ["person"]


def test_people_saved_in_a_block_are_indexed_once_as_they_are_at_its_end(people):
    """A new person is saved as a login, then as a profile, then keywords: people_indexed_once writes the index
    once for all of them (the test fixtures' people too), not at each save."""
    with CaptureQueriesContext(connection) as writes, indexing.people_indexed_once():
        wiebke = make_user("wiebke")
        make_user("jan")
        set_expertise(wiebke, wiebke, keywords=["Telepflege"])
        assert kinds_found(people["outsider"], "Wiebke") == []  # not yet: at the block's end
    assert sum("INSERT INTO" in query["sql"] and Document._meta.db_table in query["sql"]
               for query in writes.captured_queries) == 1
    assert kinds_found(people["outsider"], "Telepflege") == ["person"] and kinds_found(people["outsider"], "Jan")
    with pytest.raises(RuntimeError), indexing.people_indexed_once():
        make_user("hauke")
        raise RuntimeError
    assert kinds_found(people["outsider"], "Hauke") == []  # (nor would it be: its transaction rolls back)
    make_user("hanne")  # outside a block: indexed at once
    assert kinds_found(people["outsider"], "Hanne") == ["person"]


def test_a_rolled_back_change_leaves_nothing_in_the_index(people, team):
    before = Document.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        post_message(people["lead"], team, channel=general(team), body="Gleich wieder weg")
        raise RuntimeError("the caller's transaction fails")
    assert Document.objects.count() == before and kinds_found(people["lead"], "Gleich") == []


def test_a_fault_of_the_index_never_fails_the_change(people, team, monkeypatch, caplog):
    def broken(written, **options):
        raise RuntimeError("index down")
    monkeypatch.setattr(indexing, "store", broken)
    with caplog.at_level(logging.ERROR, logger="teams.search.indexing"):
        message = post_message(people["lead"], team, channel=general(team), body="Trotzdem gespeichert")
    assert Message.objects.filter(pk=message.pk).exists()
    assert "could not update the search index" in caplog.text


@pytest.mark.parametrize("data", [{}, {"message": 3}, {"message": "3", "channel": 1, "body": "x", "created_at": "now"},
                                  {"message": 3, "channel": 1, "body": None, "created_at": "2026-01-01T00:00:00"},
                                  {"message": 3, "channel": 1, "body": "x", "created_at": "yesterday"}])
def test_an_event_unlike_its_services_is_recorded_and_not_indexed(people, team, data):
    before = Document.objects.count()
    with transaction.atomic():
        event = events.record(team, "message.posted", people["lead"], data)
    assert event.pk and Document.objects.count() == before
