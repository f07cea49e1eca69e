"""A data export end to end, on both engines (SQLite with kombu's filesystem broker; PostgreSQL with Redis): asked
for over HTTP, built by a real Celery worker (celery.contrib.testing.worker.start_worker), its link received by the
real SMTP server, the ZIP downloaded by the test client; only the recipient gets it; expired, a clear 410."""
import datetime
import hashlib
import json
import logging.config

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from teams.accounts.services import set_language
from teams.audit.models import AuditEntry
from teams.dataexport import job
from teams.dataexport.models import DataExport
from teams.review.reports import queue_options
from tests.dataexport_helpers import PDF, fill, unzip
from tests.mail_server import link_in, text_of
from workspace.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(transactional_db, settings, tmp_path, smtp_inbox):
    """A real worker (a thread of this process, so it sees this test's settings) on this run's own queue."""
    settings.MEDIA_ROOT = tmp_path
    queue = queue_options().get("queue", "celery")
    try:
        with start_worker(app, perform_ping_check=False, queues=[queue], shutdown_timeout=30) as running:
            yield running
    finally:
        logging.config.dictConfig(settings.LOGGING)  # the embedded worker set up logging its way: the project's again


def link_path(inbox, address):
    received = inbox.wait_for(address, timeout=60)
    return received, link_in(received).removeprefix(settings.SITE_URL)


def test_the_person_asks_the_worker_builds_the_mail_brings_the_link_and_only_they_download(
        client, people, team, worker, smtp_inbox):
    person, other = people["expert"], people["lead"]
    fill(team, person, other)
    client.force_login(person)
    response = client.post("/account/data/")
    assert response.status_code == 302
    received, path = link_path(smtp_inbox, person.email)
    assert received["Subject"] == "[Topic teams] Your data is ready to download"
    assert received.get_body(preferencelist=("html",)) is not None and path in text_of(received)
    export = DataExport.objects.get(person=person)
    assert export.status == "ready" and export.mailed_at is not None

    downloaded = client.get(path)
    assert downloaded.status_code == 200 and downloaded["Content-Type"] == "application/zip"
    archive = unzip(b"".join(downloaded.streaming_content))
    data = json.loads(archive.read("data.json"))
    assert [message["body"] for message in data["messages"]] == ["Hallo <b>Welt</b> & Grüße 0",
                                                                "a reply in the thread 0"]
    assert "secret of the other person" not in archive.read("data.json").decode()
    uploaded, = data["files"]
    assert hashlib.sha256(archive.read(uploaded["path"])).digest() == hashlib.sha256(PDF).digest()
    assert "Messages you wrote" in archive.read("index.html").decode()
    kinds = list(AuditEntry.objects.filter(subject=person, kind__startswith="export.").order_by("id")
                 .values_list("kind", "actor_id", "detail"))
    assert kinds == [("export.requested", person.pk, {"data_export": export.pk}),
                     ("export.downloaded", person.pk, {"data_export": export.pk})]

    for someone in (other, people["manager"]):  # not even cluster management: the link is the person's
        client.force_login(someone)
        assert client.get(path).status_code == 404
    client.logout()
    assert client.get(path).status_code == 302  # to the login page first
    client.force_login(person)
    assert client.get(path[:-3] + "abc/").status_code == 404  # a forged token

    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    gone = client.get(path)
    assert gone.status_code == 410 and "This download has expired" in gone.content.decode()
    assert job.expire_exports() == [export.pk]
    assert client.get(path).status_code == 410
    assert AuditEntry.objects.filter(kind="export.downloaded").count() == 1


def test_cluster_management_asks_for_a_german_person_the_link_goes_to_them_the_page_is_german(
        client, people, team, worker, smtp_inbox):
    person, manager = people["expert"], people["manager"]
    fill(team, person, people["lead"])
    set_language(person, person, language="de")
    client.force_login(manager)
    response = client.post(f"/account/people/{person.pk}/data/", {"next": "/account/people/"})
    assert response.status_code == 302 and response["Location"] == "/account/people/"
    received, path = link_path(smtp_inbox, manager.email)
    assert received["Subject"] == "[Topic teams] The data of Expert Tester is ready to download"
    assert smtp_inbox.to(person.email) == []
    downloaded = client.get(path)
    assert downloaded.status_code == 200
    page = unzip(b"".join(downloaded.streaming_content)).read("index.html").decode()
    assert '<html lang="de">' in page and "Nachrichten, die Sie geschrieben haben" in page
    client.force_login(person)
    assert client.get(path).status_code == 404  # the manager's link, not the person's
