"""Every Celery job, run twice: the second run changes nothing and sends nothing."""
import datetime

import pytest
from django.core import mail
from django.utils import timezone

from teams import services
from teams.models import Event, Team
from teams.notify import tasks as notify_tasks
from teams.notify.models import DigestSent, Kind, MailPreference, Notification
from teams.review import meetings as review_meetings
from teams.review import tasks as review_tasks
from teams.review.models import JobRun
from tests.review_helpers import cards, columns, days


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def expire(team, days_ago=1):
    Team.objects.filter(pk=team.pk).update(end_date=timezone.localdate() - datetime.timedelta(days=days_ago))
    team.refresh_from_db()


@pytest.mark.django_db
def test_a_team_past_its_end_date_ends_exactly_once(people, make_team):
    team = make_team()
    running = make_team(name="Still running")
    expire(team)
    assert review_tasks.end_expired_teams() == 1
    assert review_tasks.end_expired_teams() == 0
    ended = Event.objects.filter(kind="team.ended")
    assert list(ended.values_list("team_id", flat=True)) == [team.pk]
    assert Event.objects.get(kind="team.ended").actor is None
    told = set(Notification.objects.filter(kind=Kind.TEAM_ENDED).values_list("recipient__username", flat=True))
    assert told == {"lead", "expert", "observer", "supporter"}
    assert Notification.objects.filter(kind=Kind.TEAM_ENDED).count() == 4
    assert not Event.objects.filter(kind="team.ended", team=running).exists()
    # Read-only by the permissions (status unchanged: cluster management may still extend it).
    team.refresh_from_db()
    assert team.is_expired and not team.is_writable
    # Extended past today, then expired again: a new end date ends once more.
    services.extend_team(people["manager"], team, end_date=days(5))
    expire(team, days_ago=2)
    assert review_tasks.end_expired_teams() == 1
    assert review_tasks.end_expired_teams() == 0
    assert Event.objects.filter(kind="team.ended", team=team).count() == 2


@pytest.mark.django_db
def test_concluded_teams_never_end_by_the_job(people, make_team):
    team = make_team()
    services.conclude_team(people["manager"], team)
    expire(team)
    assert review_tasks.end_expired_teams() == 0


@pytest.mark.django_db
def test_team_ending_reminder_once_per_end_date(people, make_team):
    soon = make_team(name="Ending soon", end_date=days(14))
    make_team(name="Far away", end_date=days(60))
    assert review_tasks.remind_team_endings() == 1
    assert review_tasks.remind_team_endings() == 0
    assert Event.objects.filter(kind="team.ending_soon").count() == 1
    notes = Notification.objects.filter(kind=Kind.TEAM_ENDING)
    assert notes.count() == 4 and all(n.team_id == soon.pk for n in notes)
    assert "ends on" in notes.first().text


@pytest.mark.django_db
def test_task_due_reminder_once_per_card_and_due_date(people, team):
    todo, done = columns(team)
    due = cards(team, todo, 2, due=days(2), assignees=[people["expert"]])
    cards(team, todo, 1, due=days(2))  # nobody assigned: nobody to remind
    cards(team, done, 1, due=days(1), assignees=[people["expert"]])  # done: no reminder
    cards(team, todo, 1, due=days(5), assignees=[people["expert"]])  # not yet
    cards(team, todo, 1, due=days(1), assignees=[people["lead"]], archived=True)
    assert review_tasks.remind_due_tasks() == 2
    assert review_tasks.remind_due_tasks() == 0
    reminders = Notification.objects.filter(kind=Kind.TASK_DUE)
    assert sorted(n.event.data["card"] for n in reminders) == sorted(c.pk for c in due)
    assert {n.recipient.username for n in reminders} == {"expert"}
    # A new due date is a new reminder.
    due[0].due_date = days(1)
    due[0].save()
    assert review_tasks.remind_due_tasks() == 1
    assert JobRun.objects.filter(kind="card.due_soon").count() == 3


@pytest.mark.django_db
def test_digest_is_the_default_and_goes_out_once_per_window(people, team):
    review_meetings.add_review_note(people["advisor"], team, body="First")
    review_meetings.add_review_note(people["advisor"], team, body="Second")
    assert notify_tasks.send_single_mails() == 0  # digest is the default: no single mails
    assert notify_tasks.send_digests() == 4  # lead, expert, observer, supporter: one digest each
    assert notify_tasks.send_digests() == 0
    assert len(mail.outbox) == 4
    lead_mail = next(m for m in mail.outbox if m.to == ["lead@example.org"])
    assert "2 new notifications" in lead_mail.subject
    assert lead_mail.body.count("wrote a review note on Data Spaces") == 2
    # Something new in the same window waits for the next window.
    review_meetings.add_review_note(people["advisor"], team, body="Third")
    assert notify_tasks.send_digests() == 0
    later = timezone.now() + datetime.timedelta(days=1)
    from teams.notify import services as notify
    assert notify.send_digests(now=later) == 4
    assert notify.send_digests(now=later) == 0
    assert len(mail.outbox) == 8
    assert DigestSent.objects.filter(user=people["lead"]).count() == 2


@pytest.mark.django_db
def test_single_mails_once_and_muted_kinds_never(people, team):
    MailPreference.objects.create(user=people["lead"], digest=False)
    MailPreference.objects.create(user=people["expert"], digest=False, muted_kinds=[Kind.REVIEW_NOTE])
    review_meetings.add_review_note(people["advisor"], team, body="Note")
    assert notify_tasks.send_single_mails() == 1
    assert notify_tasks.send_single_mails() == 0
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]
    assert "wrote a review note" in mail.outbox[0].subject
    # The muted one is handled (never mailed later), the digest people wait for their digest.
    assert Notification.objects.get(recipient=people["expert"]).emailed_at is not None
    assert Notification.objects.get(recipient=people["observer"]).emailed_at is None
    notify_tasks.send_digests()
    assert {tuple(m.to) for m in mail.outbox} == {("lead@example.org",), ("observer@example.org",),
                                                   ("supporter@example.org",)}


@pytest.mark.django_db
def test_a_digest_per_configured_interval(people, team):
    MailPreference.objects.create(user=people["lead"], digest=True, digest_hours=1)
    review_meetings.add_review_note(people["advisor"], team, body="One")
    from teams.notify import services as notify
    now = datetime.datetime(2099, 1, 5, 10, 0, tzinfo=datetime.UTC)  # mid-window for daily digests
    assert notify.send_digests(now=now) == 4
    review_meetings.add_review_note(people["advisor"], team, body="Two")
    in_an_hour = now + datetime.timedelta(hours=1, minutes=1)
    assert notify.send_digests(now=in_an_hour) == 1  # the hourly person only; the daily ones wait
    assert mail.outbox[-1].to == ["lead@example.org"] and "Two" not in mail.outbox[-1].body
    assert notify.send_digests(now=in_an_hour) == 0
    assert notify.send_digests(now=now + datetime.timedelta(days=1)) == 3
