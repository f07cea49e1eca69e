"""Who may have a person's data exported (the person, cluster management; nobody else) as a matrix over the cluster
and team roles; the throttle (one at a time, EXPORT_DAILY_LIMIT a day); the account page's section and status in
both languages; cluster management's button; the expiry job; the erasure's delete_exports_of; the link out of logs."""
import datetime
import time

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from teams.accounts.services import set_language
from teams.dataexport import files, job, services
from teams.dataexport.models import DataExport
from teams.dataexport.permissions import may_request_export
from tests.matrix import PEOPLE, VISITORS, export_rule
from tests.queries import assert_constant, statements
from workspace.redact import redact

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("role", VISITORS)
def test_only_cluster_management_asks_for_someone_elses_data(client, people, team, role):
    person = people["outsider"] if role == "expert" else people["expert"]  # never the asker themself
    if role != "anonymous":
        client.force_login(people[role])
    response = client.post(f"/account/people/{person.pk}/data/")
    allowed = export_rule(role, "others_data")
    assert response.status_code == (302 if allowed or role == "anonymous" else 403)
    if role == "anonymous":
        assert response["Location"].startswith("/login/")
    assert DataExport.objects.filter(person=person).exists() is allowed
    if role != "anonymous":
        assert may_request_export(people[role], person) is allowed


@pytest.mark.parametrize("role", VISITORS)
def test_everyone_signed_in_asks_for_their_own_data(client, people, team, role):
    if role != "anonymous":
        client.force_login(people[role])
    assert client.post("/account/data/").status_code == 302
    export = DataExport.objects.filter(requested_by__username=PEOPLE.get(role, ("",))[0]).first()
    assert (export is not None) is export_rule(role, "own_data")
    if export:
        assert export.person == people[role] and export.status == "pending"


def test_the_rule_refuses_a_deactivated_manager_and_an_asker_without_address(people, team):
    manager, person = people["manager"], people["expert"]
    manager.is_active = False
    with pytest.raises(PermissionDenied):
        services.request_export(manager, person)
    person.email = ""
    with pytest.raises(ValidationError, match="no e-mail address"):
        services.request_export(person, person)
    assert not DataExport.objects.exists()


def test_one_at_a_time_and_a_few_a_day(client, people, team, settings):
    settings.EXPORT_DAILY_LIMIT = 2
    person = people["expert"]
    first = services.request_export(person, person)
    client.force_login(person)
    response = client.post("/account/data/", follow=True)
    assert "being prepared already" in response.content.decode()
    with pytest.raises(ValidationError, match="being prepared already"):
        services.request_export(people["manager"], person)  # also for cluster management: one at a time
    DataExport.objects.filter(pk=first.pk).update(status=DataExport.Status.READY)
    services.request_export(person, person)
    DataExport.objects.update(status=DataExport.Status.FAILED)
    with pytest.raises(ValidationError, match="At most 2 exports"):
        services.request_export(person, person)
    DataExport.objects.update(created_at=timezone.now() - datetime.timedelta(days=1, seconds=1))
    services.request_export(person, person)  # a day later
    assert DataExport.objects.count() == 3


@pytest.mark.parametrize("language,words", [
    ("en", ["Download my data", "Being prepared (asked for on", "Ready: we mailed you the link",
            "Your last export has expired"]),
    ("de", ["Meine Daten herunterladen", "Wird vorbereitet (angefordert am", "Fertig: Wir haben Ihnen den Link",
            "Ihr letzter Export ist abgelaufen"]),
])
def test_the_account_page_shows_the_section_and_the_status(client, people, language, words):
    person = people["expert"]
    set_language(person, person, language=language)
    client.force_login(person)
    client.cookies["django_language"] = language
    section, pending, ready, expired = words
    assert section in client.get("/account/").content.decode()
    export = services.request_export(person, person)
    page = client.get("/account/").content.decode()
    assert pending in page and 'data-status="pending"' in page and 'action="/account/data/"' not in page
    now = timezone.now()
    DataExport.objects.filter(pk=export.pk).update(status="ready", finished_at=now,
                                                   expires_at=now + datetime.timedelta(days=7))
    assert ready in client.get("/account/").content.decode()
    DataExport.objects.filter(pk=export.pk).update(expires_at=now - datetime.timedelta(seconds=1))
    page = client.get("/account/").content.decode()
    assert expired in page and 'action="/account/data/"' in page  # may ask again


def test_the_account_page_asks_the_same_whatever_the_number_of_exports(client, people):
    person = people["expert"]
    client.force_login(person)
    small = len(statements(lambda: client.get("/account/"))[1])
    for _n in range(5):
        DataExport.objects.create(person=person, requested_by=person, path=files.new_path(), status="failed")
    large = len(statements(lambda: client.get("/account/"))[1])
    assert_constant(small, large, budget=20)


def test_cluster_management_has_the_button_in_the_accounts_list_and_on_a_persons_entry(client, people, team):
    expert = people["expert"]
    client.force_login(people["manager"])
    button = f'action="/account/people/{expert.pk}/data/"'
    assert button in client.get("/account/people/").content.decode()
    assert button in client.get(f"/people/{expert.username}/").content.decode()
    client.force_login(people["lead"])
    assert button not in client.get(f"/people/{expert.username}/").content.decode()


def test_refused_requests(client, people):
    client.force_login(people["manager"])
    assert client.get("/account/data/").status_code == 405
    assert client.get(f"/account/people/{people['expert'].pk}/data/").status_code == 405
    assert client.post("/account/people/99999999999999999999/data/").status_code == 404
    assert client.post("/account/people/424242/data/").status_code == 404
    assert client.get("/account/data/not-a-token/").status_code == 404
    assert not DataExport.objects.exists()


def test_expired_files_are_deleted_by_the_job_and_erasure_deletes_all(people, team, mailoutbox):
    person = people["expert"]
    old = services.request_export(person, person)
    job.build_export(old.pk)
    fresh = services.request_export(people["manager"], person)
    job.build_export(fresh.pk)
    assert files.file_of(old).exists() and files.file_of(fresh).exists()
    DataExport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert job.expire_exports() == [old.pk]
    assert not files.file_of(old).exists() and files.file_of(fresh).exists()
    assert job.expire_exports() == []  # a second run: nothing more
    assert files.delete_exports_of(person) == 2
    assert not files.file_of(fresh).exists() and not DataExport.objects.exists()
    again = services.request_export(person, person)
    job.build_export(again.pk)
    person.delete()  # the account itself: the rows go by cascade, and their files with them
    assert not files.file_of(again).exists()
    assert [mail.to for mail in mailoutbox] == [[person.email], [people["manager"].email], [person.email]]


def test_the_link_is_kept_out_of_logs(people):
    export = DataExport(pk=5, requested_by=people["expert"], person=people["expert"], path="x.zip")
    token = services.link_token(export)
    logged = redact(f'"GET /account/data/{token}/ HTTP/1.1" 200')
    assert token not in logged and "/account/data/…/" in logged


def test_a_lost_job_is_queued_again(people):
    person = people["expert"]
    lost = services.request_export(person, person)
    assert job.requeue_pending() == []
    DataExport.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    assert job.requeue_pending() == [lost.pk]


class EightDaysAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 8 * 24 * 3600)


def test_a_link_signed_longer_ago_than_its_days_is_expired_for_its_recipient_only(client, people, mailoutbox):
    person = people["expert"]
    export = services.request_export(person, person)
    job.build_export(export.pk)
    old = EightDaysAgo(salt=services.LINK_SALT).sign_object({"export": export.pk, "to": person.pk})
    client.force_login(person)
    assert client.get(f"/account/data/{services.link_token(export)}/").status_code == 200
    assert client.get(f"/account/data/{old}/").status_code == 410
    client.force_login(people["manager"])
    assert client.get(f"/account/data/{old}/").status_code == 404
