"""Audit entries are append-only: no update or delete through the model, its querysets, the admin or raw SQL
(database triggers); the one removal is the retention job (AUDIT_RETENTION_YEARS), tested with a passed `now`.
And no entry's detail holds a person's name or e-mail."""
import datetime
import json

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from teams.audit import retention
from teams.audit.models import AppendOnlyError, AuditEntry
from teams.audit.tasks import prune as prune_task
from teams.audit.trail import record
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2031, 6, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def entry(people):
    return record("login", actor=people["expert"], subject=people["expert"], detail={"x": 1})


def unchanged(entry):
    fresh = AuditEntry.objects.get(pk=entry.pk)
    return (fresh.kind, fresh.detail, fresh.actor_id) == (entry.kind, entry.detail, entry.actor_id)


def test_the_model_and_its_querysets_refuse(entry):
    entry.kind = "logout"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(kind="logout")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():  # bulk_update's own atomic block has no savepoint
        AuditEntry.objects.bulk_update([entry], ["kind"])
    entry.kind = "login"
    assert unchanged(entry)


def test_raw_sql_update_is_refused_by_the_database(entry):
    for statement in ("UPDATE audit_auditentry SET kind = 'logout'", "UPDATE audit_auditentry SET address = '1.2.3.4'",
                      "UPDATE audit_auditentry SET actor_id = NULL, kind = 'x'",
                      f"UPDATE audit_auditentry SET subject_id = {entry.actor_id + 1000}"):
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert unchanged(entry)


@pytest.mark.django_db(transaction=True)  # real transactions: the flag of one must not outlive it
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_raw_sql_delete_is_refused_on_postgresql_unless_pruning(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert unchanged(entry)
    with transaction.atomic(), connection.cursor() as cursor:  # a forged flag of another transaction is gone
        cursor.execute("SET LOCAL audit.prune = 'on'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_deleted_persons_entries_stay_with_the_key_emptied(people):
    gone = make_user("gone")
    kept = record("login", actor=gone, subject=gone)
    gone.delete()  # on_delete=SET_NULL: the one change the database lets through
    fresh = AuditEntry.objects.get(pk=kept.pk)
    assert (fresh.kind, fresh.actor_id, fresh.subject_id) == ("login", None, None)


def test_the_admin_shows_entries_and_refuses_every_write(people, entry):
    root = make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200  # a read-only view
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"kind": "logout"}).status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    client.post("/admin/audit/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk],
                                             "post": "yes"})
    assert unchanged(entry)


def test_prune_removes_only_entries_past_the_retention_period(people, settings):
    settings.AUDIT_RETENTION_YEARS = 5
    AuditEntry.objects.bulk_create([AuditEntry(kind="login", actor=people["expert"], at=NOW.replace(year=2026) + delta)
                                    for delta in (-datetime.timedelta(minutes=1), datetime.timedelta(minutes=1))])
    before = AuditEntry.objects.count()
    assert retention.prune(now=NOW) == 1
    assert AuditEntry.objects.filter(at__year=2026, at__month=6).count() == 1
    pruned = AuditEntry.objects.get(kind="audit.pruned")
    assert pruned.detail == {"rows": 1, "before": "2026-06-15"}
    assert AuditEntry.objects.count() == before  # one removed, its record added
    assert retention.prune(now=NOW) == 0  # idempotent: nothing more


def test_the_retention_setting_is_read(people, settings):
    AuditEntry.objects.prune(timezone.now() + datetime.timedelta(days=1))  # the fixture's entries
    AuditEntry.objects.bulk_create([AuditEntry(kind="login", at=datetime.datetime(2029, 1, 1, tzinfo=datetime.UTC))])
    settings.AUDIT_RETENTION_YEARS = 5
    assert retention.prune(now=NOW) == 0
    settings.AUDIT_RETENTION_YEARS = 2
    assert retention.prune(now=NOW) == 1


def test_the_29th_of_february():
    leap = datetime.datetime(2028, 2, 29, tzinfo=datetime.UTC)
    assert retention.years_before(leap, 5) == datetime.datetime(2023, 2, 28, tzinfo=datetime.UTC)


def test_the_beat_job_is_scheduled_and_prunes(settings, people):
    assert {"task": "audit.prune", "schedule": 24 * 60 * 60} in settings.CELERY_BEAT_SCHEDULE.values()
    AuditEntry.objects.bulk_create([AuditEntry(kind="login", at=timezone.now() - datetime.timedelta(days=366 * 6))])
    assert prune_task() == 1


def test_prune_inside_a_longer_transaction_leaves_deletion_refused_afterwards(people, entry):
    with transaction.atomic():
        AuditEntry.objects.prune(NOW - datetime.timedelta(days=365 * 100))
        if connection.vendor == "postgresql":
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditentry")
    assert unchanged(entry)


def test_no_entry_holds_a_name_or_an_email(client, people, team):
    """After a tour of audited actions, every entry's detail is free of every person's names and addresses."""
    for number, person in enumerate(people.values()):  # names no role or kind contains
        person.first_name, person.last_name = f"Zebulon{number}", f"Quillfeather{number}"
        person.save()
    client.post("/login/", {"username": "expert", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    client.post("/login/", {"username": "lead@example.org", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    client.force_login(people["lead"])
    expert = team.memberships.get(user=people["expert"])
    client.post(f"/teams/{team.slug}/members/{expert.pk}/role/", {"role": "observer"})
    client.post(f"/teams/{team.slug}/members/invite/", {"people": people["outsider"].pk, "role": "expert"})
    client.post(f"/teams/{team.slug}/members/{expert.pk}/remove/")
    client.post("/reports/", {"format": "csv", "team": team.slug})
    assert AuditEntry.objects.values("kind").distinct().count() >= 8
    names = {value.lower() for person in people.values()
             for value in (person.first_name, person.last_name, person.email, person.get_full_name()) if value}
    for detail in AuditEntry.objects.values_list("detail", flat=True):
        text = json.dumps(detail, ensure_ascii=False).lower()
        assert not [name for name in names if name in text], detail
