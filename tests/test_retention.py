"""The retention job (teams/privacy/retention.py) with the clock moved by passing `now`: a concluded team is
archived after RETENTION_ARCHIVE_AFTER_MONTHS, its leads are told once RETENTION_NOTICE_DAYS before its chat is
deleted, and the chat is deleted (never without that notice) with the event log kept gapless and without text."""
import datetime
import html
import json
import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.utils import timezone

from teams import services
from teams.audit.models import AuditEntry
from teams.discussion.models import Message, Reaction, ReadMarker, ThreadSubscription
from teams.discussion.posting import post_message
from teams.discussion.reactions import add_reaction
from teams.models import Event, Team
from teams.notify import services as notify_services
from teams.notify.models import Kind, Notification
from teams.privacy import retention
from teams.privacy import tasks as retention_tasks
from teams.privacy.dates import months_earlier, months_later
from teams.privacy.models import ChatRetention
from teams.review.reports import queue_options
from teams.search.models import Document
from teams.search.models import Kind as DocumentKind
from teams.search.query import query
from tests.discussion_helpers import general
from workspace.celery import app as celery_app

pytestmark = pytest.mark.django_db

SECRET = "Pflegekraefte Dienstplan vertraulich"
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def chat(people, team, words=SECRET):
    """A thread with a reply, a reaction and read markers; returns the root message."""
    root = post_message(people["lead"], team, channel=general(team), body=f"{words} @expert")
    post_message(people["expert"], team, channel=general(team), body=f"Antwort: {words}", thread=root)
    add_reaction(people["expert"], team, message=root, emoji="👍")
    return root


def concluded(people, team) -> datetime.datetime:
    services.conclude_team(people["manager"], team)
    team.refresh_from_db()
    return Event.objects.get(team=team, kind="team.concluded").created_at


def chat_due(at):
    return months_later(at, 12 * 3)


def test_the_dates_are_calendar_months():
    moment = datetime.datetime(2026, 8, 31, 12, tzinfo=datetime.UTC)
    assert months_earlier(moment, 6) == datetime.datetime(2026, 2, 28, 12, tzinfo=datetime.UTC)
    assert months_later(moment, 36) == datetime.datetime(2029, 8, 31, 12, tzinfo=datetime.UTC)
    assert months_earlier(moment, 8) == datetime.datetime(2025, 12, 31, 12, tzinfo=datetime.UTC)


def test_nothing_happens_before_anything_is_due(people, team):
    chat(people, team)
    at = concluded(people, team)
    before = (Event.objects.count(), Message.objects.count())
    for now in (at + DAY, months_later(at, 6) - DAY):
        assert retention.apply_retention(now=now) == {"archived": 0, "announced": 0, "deleted": 0}
    assert retention.announce_chat_deletions(now=chat_due(at) - datetime.timedelta(days=31)) == []
    assert retention.delete_due_chats(now=chat_due(at) + DAY) == []
    assert (Event.objects.count(), Message.objects.count()) == before
    assert not ChatRetention.objects.exists()


def test_a_concluded_team_is_archived_after_six_months_once_through_the_lifecycle(people, make_team):
    team, running = make_team(), make_team(name="Still running")
    at = concluded(people, team)
    assert retention.archive_concluded_teams(now=months_later(at, 6) - DAY) == []
    archived, = retention.archive_concluded_teams(now=months_later(at, 6) + DAY)
    assert (archived.kind, archived.actor, archived.data["team"]["status"]) == ("team.archived", None, "archived")
    assert retention.archive_concluded_teams(now=months_later(at, 7)) == []  # run again: nothing more
    team.refresh_from_db()
    running.refresh_from_db()
    assert (team.status, running.status) == (Team.Status.ARCHIVED, Team.Status.ACTIVE)
    entry = AuditEntry.objects.get(kind="retention.archived")
    assert (entry.team, entry.seq, entry.actor, entry.detail["team"]) == (team, archived.seq, None, team.pk)


def test_the_archive_months_are_a_setting(people, team, settings):
    settings.RETENTION_ARCHIVE_AFTER_MONTHS = 1
    at = concluded(people, team)
    assert len(retention.archive_concluded_teams(now=months_later(at, 1) + DAY)) == 1


def test_the_leads_are_told_once_thirty_days_before_the_chat_is_deleted(people, team):
    chat(people, team)
    at = concluded(people, team)
    due = chat_due(at)
    assert retention.announce_chat_deletions(now=due - datetime.timedelta(days=31)) == []
    told, = retention.announce_chat_deletions(now=due - datetime.timedelta(days=30))
    assert retention.announce_chat_deletions(now=due - datetime.timedelta(days=29)) == []  # run twice: once
    assert (told.kind, told.actor) == ("chat.deletion_announced", None)
    notification, = Notification.objects.filter(kind=Kind.CHAT_DELETION)
    assert notification.recipient == people["lead"]  # the leads only
    assert timezone.localdate(due).isoformat() in notification.text
    assert ChatRetention.objects.get(team=team).delete_after == due
    # ...and by mail (the lead's default: the daily digest)
    notify_services.send_digests(now=timezone.now() + DAY)
    notify_services.send_digests(now=timezone.now() + DAY)
    lead_mail, = [message for message in mail.outbox if message.to == [people["lead"].email]]
    assert "Data Spaces" in lead_mail.body
    assert retention.delete_due_chats(now=due - DAY) == []  # not due yet
    assert Message.objects.filter(team=team).count() == 2


def test_a_late_notice_moves_the_deletion_to_thirty_days_after_it(people, team):
    chat(people, team)
    at = concluded(people, team)
    late = chat_due(at) + datetime.timedelta(days=100)  # the job did not run for months
    result = retention.apply_retention(now=late)
    assert result == {"archived": 1, "announced": 1, "deleted": 0}  # told, not deleted in the same run
    assert ChatRetention.objects.get(team=team).delete_after == late + datetime.timedelta(days=30)
    assert retention.apply_retention(now=late + datetime.timedelta(days=29))["deleted"] == 0
    assert Message.objects.filter(team=team).exists()
    assert retention.apply_retention(now=late + datetime.timedelta(days=30))["deleted"] == 1


def test_a_chat_is_never_deleted_without_the_notice(people, team):
    chat(people, team)
    at = concluded(people, team)
    assert retention.delete_due_chats(now=chat_due(at) + datetime.timedelta(days=400)) == []
    assert Message.objects.filter(team=team).count() == 2


def event_text(team):
    return json.dumps(list(Event.objects.filter(team=team).values_list("data", flat=True)), ensure_ascii=False)


def test_the_chat_is_deleted_with_its_traces_and_the_log_stays_gapless(people, make_team):
    team, other = make_team(), make_team(name="Other team")
    chat(people, team)
    chat(people, other, words="Pflegekraefte anderswo")
    assert SECRET in event_text(team)
    at = concluded(people, team)
    due = chat_due(at)
    retention.apply_retention(now=due - datetime.timedelta(days=30))
    result = retention.apply_retention(now=due)
    assert result["deleted"] == 1 and retention.apply_retention(now=due + DAY)["deleted"] == 0
    assert not Message.objects.filter(team=team).exists()
    assert not Reaction.objects.filter(message__team=team).exists()
    assert not ReadMarker.objects.filter(channel__team=team).exists()
    assert not ThreadSubscription.objects.filter(root__team=team).exists()
    assert not Document.objects.filter(team=team, kind=DocumentKind.MESSAGE).exists()
    assert "Pflegekraefte" not in event_text(team) and "Antwort" not in event_text(team)
    assert query(people["manager"], "Pflegekraefte").hits and all(
        f"/teams/{other.slug}/" in hit.url for hit in query(people["manager"], "Pflegekraefte").hits)
    team.refresh_from_db()
    seqs = list(Event.objects.filter(team=team).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, team.last_seq + 1))
    deleted = Event.objects.get(team=team, kind="chat.deleted")
    assert deleted.seq == team.last_seq
    assert {key: deleted.data[key] for key in ("messages", "threads", "reactions", "search_documents")} == {
        "messages": 2, "threads": 1, "reactions": 1, "search_documents": 2}
    posted = Event.objects.filter(team=team, kind="message.posted").first()
    assert posted.data["erased"] and set(posted.data) <= {"channel", "message", "thread", "author", "created_at",
                                                          "edited_at", "erased"}
    entry = AuditEntry.objects.get(kind="retention.chat_deleted")
    assert (entry.team, entry.seq, entry.detail["messages"]) == (team, deleted.seq, 2)
    # The other team keeps everything.
    assert Message.objects.filter(team=other).count() == 2 and "anderswo" in event_text(other)
    assert Reaction.objects.filter(message__team=other).count() == 1


def test_the_pages_of_a_team_whose_chat_was_deleted_still_open(client, people, team):
    chat(people, team)
    at = concluded(people, team)
    retention.apply_retention(now=chat_due(at) - datetime.timedelta(days=30))
    retention.apply_retention(now=chat_due(at))
    client.force_login(people["lead"])
    for path in (f"/teams/{team.slug}/", f"/teams/{team.slug}/channels/{general(team).pk}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Pflegekraefte" not in response.content.decode()
    assert "deleted the team's chat" in html.unescape(client.get(f"/teams/{team.slug}/").content.decode())


def test_the_beat_runs_the_job_daily():
    entry, = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == "privacy.apply_retention"]
    assert entry["schedule"] == 24 * 60 * 60 and retention_tasks.apply_retention.name == entry["task"]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_job_end_to_end(people, team):
    chat(people, team)
    at = concluded(people, team)
    finished, results = threading.Event(), []

    def done(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == "privacy.apply_retention":
            results.append(retval)
            finished.set()

    task_postrun.connect(done, weak=False)
    try:
        with start_worker(celery_app, perform_ping_check=False, queues=[queue_options().get("queue", "celery")]):
            for now in (chat_due(at) - datetime.timedelta(days=30), chat_due(at)):
                finished.clear()
                celery_app.send_task("privacy.apply_retention", kwargs={"now": now.isoformat()}, **queue_options())
                assert finished.wait(timeout=60), "the worker did not run the job"
    finally:
        task_postrun.disconnect(done)
    assert results == [{"archived": 1, "announced": 1, "deleted": 0}, {"archived": 0, "announced": 0, "deleted": 1}]
    assert not Message.objects.filter(team=team).exists()
    assert Notification.objects.filter(kind=Kind.CHAT_DELETION, recipient=people["lead"]).count() == 1
