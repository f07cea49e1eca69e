"""The audit log page (/audit/) and its CSV: cluster management only (every cluster and team role), filters,
paging, the CSV of the filtered set (audited too), constant queries as entries grow."""
import csv
import datetime
import io

import pytest
from django.utils import timezone

from teams.audit.models import AuditEntry
from teams.audit.trail import record, serving
from tests.conftest import make_user
from tests.matrix import VISITORS
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db
READERS = {"manager"}  # cluster management (tests/matrix.py's "manager")


def refused(response, role):
    if role == "anonymous":
        return response.status_code == 302 and "/login/" in response["Location"]
    return response.status_code == 403


@pytest.mark.parametrize("role", VISITORS)
def test_only_cluster_management_reads_the_log_and_its_csv(client, people, team, role):
    if role != "anonymous":
        client.force_login(people[role])
    page, export = client.get("/audit/"), client.get("/audit/export.csv")
    nav = client.get("/my/").content.decode() if role != "anonymous" else ""
    if role in READERS:
        assert page.status_code == 200 and export.status_code == 200
        assert 'href="/audit/"' in nav
    else:
        assert refused(page, role) and refused(export, role), (page.status_code, export.status_code)
        assert b"team.launched" not in page.content and 'href="/audit/"' not in nav
        assert not AuditEntry.objects.filter(kind="audit.exported").exists()


def test_a_superuser_reads_it_and_a_deactivated_manager_does_not(client, people):
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get("/audit/").status_code == 200
    people["manager"].is_active = False
    people["manager"].save()
    client.force_login(people["manager"])
    assert client.get("/audit/").status_code in (302, 403)


def rows(page):
    return page.content.decode().count("<tr data-entry=")


def test_the_page_says_who_when_what_whom_team_address_and_links_the_event(client, people, team):
    client.force_login(people["manager"])
    expert = team.memberships.get(user=people["expert"])
    client.post(f"/teams/{team.slug}/members/{expert.pk}/role/", {"role": "observer"}, REMOTE_ADDR="10.7.7.7")
    entry = AuditEntry.objects.get(kind="member.role_changed")
    page = client.get("/audit/", {"kind": "member.role_changed"}).content.decode()
    assert "Member&#x27;s role changed (role: Observer)" in page
    assert 'href="/people/manager/"' in page and 'href="/people/expert/"' in page
    assert f'href="/teams/{team.slug}/#event-{entry.seq}"' in page and "10.7.7.7" in page
    assert f'id="event-{entry.seq}"' in client.get(f"/teams/{team.slug}/").content.decode()  # the anchor exists


def test_german_times_in_berlin_and_the_system_as_a_dash(client, people):
    AuditEntry.objects.prune(timezone.now() + datetime.timedelta(days=1))
    with serving("10.0.0.9"):
        entry = record("audit.pruned", detail={"rows": 3})
    client.force_login(people["manager"])
    page = client.get("/audit/", {"kind": "audit.pruned"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    local = timezone.localtime(entry.at)
    assert local.strftime("%d.%m.%Y %H:%M") in page and "<td>–</td>" in page


def test_filters_person_team_kind_and_period(client, people, make_team):
    one, two = make_team(name="One"), make_team(name="Two")
    AuditEntry.objects.prune(timezone.now() + datetime.timedelta(days=1))
    old = timezone.now() - datetime.timedelta(days=40)
    AuditEntry.objects.bulk_create([
        AuditEntry(kind="login", actor=people["expert"], subject=people["expert"]),
        AuditEntry(kind="member.added", actor=people["lead"], subject=people["expert"], team=one, seq=3),
        AuditEntry(kind="member.added", actor=people["lead"], subject=people["observer"], team=two, seq=4),
        AuditEntry(kind="login", actor=people["lead"], subject=people["lead"], at=old),
    ])
    client.force_login(people["manager"])
    count = lambda **query: rows(client.get("/audit/", query))  # noqa: E731
    assert count() == 5  # and the manager's own sign-in
    assert count(person="expert") == 2  # as actor and as subject
    assert count(person="lead") == 3
    assert count(team=one.slug) == 1 and count(kind="login") == 3
    assert count(kind="login", person="lead") == 1
    since = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert count(since=since) == 4 and count(until=until) == 1
    page = client.get("/audit/", {"since": since}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f'value="{since}"' in page  # ISO in German too (the date input would show nothing otherwise)


@pytest.mark.parametrize("query", [{"kind": "nonsense"}, {"since": "31.12.2026"}, {"team": "x" * 500},
                                   {"person": "a\u202eb"}, {"person": "p" * 10000}, {"page": "9" * 50},
                                   {"team": "bad\ufffd"}])
def test_bad_filters_are_said_and_ignored_never_an_error(client, people, query):
    client.force_login(people["manager"])
    response = client.get("/audit/", query)
    assert response.status_code == 200
    if "page" not in query:
        assert "Some filters were not understood" in response.content.decode()


@pytest.mark.parametrize("query", [{"since": "0001-01-01"}, {"until": "9999-12-31"}, {"since": "2026-02-30"}])
def test_dates_at_the_calendars_ends_filter_nothing_away(client, people, query):
    client.force_login(people["manager"])
    response = client.get("/audit/", query)
    assert response.status_code == 200 and rows(response) == AuditEntry.objects.count()


def test_a_day_is_midnight_to_midnight_in_berlin(client, people):
    AuditEntry.objects.prune(timezone.now() + datetime.timedelta(days=1))
    berlin = timezone.get_default_timezone()
    AuditEntry.objects.bulk_create([  # 23:30 UTC on 9 March is 00:30 on the 10th in Berlin
        AuditEntry(kind="logout", at=datetime.datetime(2026, 3, 9, 23, 30, tzinfo=datetime.UTC)),
        AuditEntry(kind="logout", at=datetime.datetime(2026, 3, 10, 22, 59, tzinfo=datetime.UTC)),
        AuditEntry(kind="logout", at=datetime.datetime(2026, 3, 10, 23, 1, tzinfo=datetime.UTC))])
    assert berlin.key == "Europe/Berlin"
    client.force_login(people["manager"])
    day = client.get("/audit/", {"kind": "logout", "since": "2026-03-10", "until": "2026-03-10"})
    assert rows(day) == 2


def test_pages_of_fifty(client, people):
    AuditEntry.objects.bulk_create([AuditEntry(kind="login", actor=people["expert"]) for _ in range(120)])
    client.force_login(people["manager"])
    total = AuditEntry.objects.count()
    assert rows(client.get("/audit/")) == 50
    last = client.get("/audit/", {"page": (total + 49) // 50})
    assert rows(last) == total - 50 * ((total - 1) // 50) and "Page 3 of 3" in last.content.decode()


def grow(people, n):
    AuditEntry.objects.bulk_create([
        AuditEntry(kind=kind, actor=people["lead"], subject=people[who], team_id=None, detail={"role": "expert"})
        for _ in range(n) for kind, who in (("member.added", "expert"), ("login", "observer"))])


def test_the_page_and_the_csv_read_in_constant_queries(client, people, team):
    client.force_login(people["manager"])
    measured = []
    for size in (5, 40):
        grow(people, size)
        _r, page = statements(lambda: client.get("/audit/"))
        _r2, export = statements(lambda: b"".join(client.get("/audit/export.csv").streaming_content))
        measured.append((len(page), len(export)))
    assert_constant(measured[0][0], measured[1][0], budget=12, what="audit page")
    assert_constant(measured[0][1], measured[1][1], budget=12, what="audit CSV")


def test_the_csv_holds_every_filtered_row_with_a_bom_in_the_readers_language_and_is_audited(client, people, team):
    grow(people, 60)  # more than a page
    client.force_login(people["manager"])
    response = client.get("/audit/export.csv", {"kind": "member.added"}, HTTP_ACCEPT_LANGUAGE="de",
                          REMOTE_ADDR="10.3.3.3")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    expected = AuditEntry.objects.filter(kind="member.added").count()
    assert len(lines) == 1 + expected and expected > 60
    assert lines[0][:3] == ["Wann (Europe/Berlin)", "Wer", "Was"]
    assert {line[3] for line in lines[1:]} == {"member.added"} and "Mitglied hinzugefügt" in lines[1][2]
    exported = AuditEntry.objects.get(kind="audit.exported")
    assert (exported.actor, exported.address) == (people["manager"], "10.3.3.3")
    assert exported.detail == {"filters": {"kind": "member.added"}, "rows": expected}


def test_the_export_names_a_filtered_person_by_id(client, people):
    client.force_login(people["manager"])
    b"".join(client.get("/audit/export.csv", {"person": "expert"}).streaming_content)
    assert AuditEntry.objects.get(kind="audit.exported").detail["filters"] == {"person": people["expert"].pk}
