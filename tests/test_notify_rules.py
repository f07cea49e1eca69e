"""Notifications derive from the event log (teams/notify/rules.py): who hears of what."""
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from teams import events
from teams import membership as membership_services
from teams.models import Event
from teams.notify import services as notify
from teams.notify.models import Kind, Notification
from teams.review import meetings as review_meetings
from tests.conftest import make_user


def recipients(kind, event=None):
    queryset = Notification.objects.filter(kind=kind)
    if event is not None:
        queryset = queryset.filter(event=event)
    return set(queryset.values_list("recipient__username", flat=True))


@pytest.mark.django_db
def test_join_request_tells_leads_and_supporters_only(people, team):
    newcomer = make_user("newcomer")
    membership_services.request_to_join(newcomer, team, message="hello")
    assert recipients(Kind.JOIN_REQUEST) == {"lead", "supporter"}
    note = Notification.objects.filter(kind=Kind.JOIN_REQUEST).first()
    assert "Newcomer" in note.text and team.name in note.text
    assert note.url.endswith("#members")


@pytest.mark.django_db
def test_review_note_tells_every_member_but_not_the_author(people, team):
    review_meetings.add_review_note(people["advisor"], team, body="Good progress, **watch** the data goal.")
    assert recipients(Kind.REVIEW_NOTE) == {"lead", "expert", "observer", "supporter"}
    membership_services.enrol_member(people["manager"], team, user=people["advisor"], role="observer")
    review_meetings.add_review_note(people["advisor"], team, body="Second note")
    second = Event.objects.filter(kind="review_note.added").order_by("-seq").first()
    assert "advisor" not in recipients(Kind.REVIEW_NOTE, second)


@pytest.mark.django_db
def test_card_assignment_and_mentions_from_event_data(people, team):
    with transaction.atomic():
        card_event = events.record(team, "card.updated", people["lead"], {
            "card": 7, "title": "Draft FHIR profile", "assignees": [people["expert"].pk, people["lead"].pk],
            "added_assignees": [people["expert"].pk, people["lead"].pk]})
        events.record(team, "card.moved", people["lead"], {"card": 7})  # assigns nobody
        message_event = events.record(team, "message.posted", people["expert"], {
            "channel": 1, "message": 3, "thread": None, "mentions": [people["lead"].pk, people["observer"].pk]})
    assert recipients(Kind.TASK_ASSIGNED) == {"expert"}  # the actor assigning themselves hears nothing
    assigned = Notification.objects.get(kind=Kind.TASK_ASSIGNED)
    assert assigned.event == card_event and "Draft FHIR profile" in assigned.text
    assert recipients(Kind.MENTION, message_event) == {"lead", "observer"}


@pytest.mark.django_db
def test_edit_tells_only_newly_mentioned_people(people, team):
    with transaction.atomic():
        events.record(team, "message.edited", people["expert"], {
            "message": 3, "mentions": [people["lead"].pk, people["observer"].pk],
            "added_mentions": [people["observer"].pk]})
    assert recipients(Kind.MENTION) == {"observer"}


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"added_assignees": None}, {"added_assignees": "x"},
                                  {"mentions": [None, "a", {"x": 1}]}, {"added_assignees": ["12", 99999999]}])
def test_missing_or_odd_keys_are_tolerated(people, team, data):
    with transaction.atomic():
        events.record(team, "card.created", people["lead"], data)
        event = events.record(team, "message.posted", people["lead"], data)
    assert Event.objects.filter(pk=event.pk).exists()  # the write went through whatever the data


@pytest.mark.django_db
def test_a_fault_in_the_rules_never_breaks_the_write(people, team, monkeypatch):
    def broken(event):
        raise RuntimeError("bug in a rule")

    monkeypatch.setitem(__import__("teams.notify.rules", fromlist=["RULES"]).RULES, "member.requested", broken)
    newcomer = make_user("newcomer")
    membership_services.request_to_join(newcomer, team)
    assert Event.objects.filter(kind="member.requested").exists()
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_events_without_rules_cost_no_query(people, team, django_assert_max_num_queries):
    with transaction.atomic():
        with django_assert_max_num_queries(2):  # seq bump (UPDATE … RETURNING), insert: nothing for notifications
            events.record(team, "card.moved", people["lead"], {"card": 1})


@pytest.mark.django_db
def test_mark_read(people, team):
    review_meetings.add_review_note(people["advisor"], team, body="Note")
    lead = people["lead"]
    assert Notification.objects.filter(recipient=lead, read_at__isnull=True).count() == 1
    with pytest.raises(ValidationError):
        notify.mark_read(lead, ids=["x"])
    assert notify.mark_read(people["expert"], ids=[Notification.objects.get(recipient=lead).pk]) == 0  # not theirs
    assert notify.mark_read(lead) == 1
    assert not Notification.objects.filter(recipient=lead, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_notifications_page_and_preferences(client, people, team):
    review_meetings.add_review_note(people["advisor"], team, body="<script>alert(1)</script> look")
    client.force_login(people["lead"])
    page = client.get("/notifications/").content.decode()
    assert "wrote a review note on Data Spaces" in page
    response = client.post("/notifications/preferences/", {"digest_hours": 168, "mail_kinds": ["mention"]})
    assert response.status_code == 302
    preference = people["lead"].mail_preference
    assert preference.digest is False and preference.digest_hours == 168
    assert not preference.wants_mail(Kind.REVIEW_NOTE) and preference.wants_mail(Kind.MENTION)
    client.post("/notifications/preferences/", {"digest": "on", "digest_hours": 5, "mail_kinds": ["nope"]})
    preference.refresh_from_db()
    assert preference.digest is False  # refused: nothing changed
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=people["lead"], read_at__isnull=True).exists()


@pytest.mark.django_db
def test_only_members_hear_of_a_teams_private_content(people, team):
    with transaction.atomic():
        events.record(team, "message.posted", people["lead"], {"mentions": [people["outsider"].pk,
                                                                            people["expert"].pk]})
    assert recipients(Kind.MENTION) == {"expert"}
