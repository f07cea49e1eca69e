"""What a data export holds (GDPR Art. 15/20): every kind of the person's data, correct, nobody else's; data.json
as UTF-8 with ISO dates, index.html escaped and in the person's language, the uploaded files byte for byte, safe
names; the build reads in bulk (constant statements) and runs twice without doing anything twice."""
import datetime
import hashlib
import json

import pytest
from django.core import mail as outbox
from django.utils import timezone

from teams.accounts.services import set_language
from teams.board.models import Attachment
from teams.dataexport import archive, files, job, services
from teams.dataexport.collect import SCHEMA
from teams.dataexport.models import DataExport
from tests.dataexport_helpers import PDF, describe_person, fill, unzip
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def built(actor, person):
    export = services.request_export(actor, person)
    assert job.build_export(export.pk)
    export.refresh_from_db()
    return export, unzip(files.file_of(export).read_bytes())


def test_every_kind_of_the_persons_data_is_there_and_correct_and_nobody_elses(people, team):
    person, other = people["expert"], people["lead"]
    describe_person(person, team)
    root = fill(team, person, other)
    export, archive_ = built(person, person)
    assert sorted(archive_.namelist()) == sorted(["data.json", "index.html", archive.safe_name(
        Attachment.objects.get(uploaded_by=person))])
    raw = archive_.read("data.json")
    assert "Grüße".encode() in raw and b"\\u00fc" not in raw  # UTF-8, not \u escapes
    data = json.loads(raw)
    assert data["schema"] == SCHEMA and data["person"] == person.pk
    profile = data["profile"]
    assert (profile["first_name"], profile["email"], profile["organisation"]["name"]) == (
        "Expert", "expert@example.org", "Test org")
    assert profile["expertise"] == ["FHIR"] and profile["language"] == "en"
    membership, = data["memberships"]
    assert (membership["team"], membership["role"], membership["state"]) == ("Data Spaces", "expert", "active")
    assert membership["contribution"]["hours_per_month"] == 8
    assert membership["contribution"]["data"] == "Routinedaten der Klinik"
    first, reply = data["messages"]
    assert first["body"] == "Hallo <b>Welt</b> & Grüße 0" and first["channel"] == "general"
    assert reply["reply_to"] == root.pk and reply["body"] == "a reply in the thread 0"
    assert first["time"] == root.created_at.isoformat() and first["edited"] is None and first["deleted"] is None
    direct, = data["direct_messages"]  # their own only: not what the other wrote to them
    assert direct["body"] == "direct <i>note</i> 0" and direct["deleted"] is None
    comment, = data["card_comments"]
    assert comment["body"] == "Looks good <script>x</script> 0" and comment["card"] == "Draft the FHIR profile 0"
    created, assigned = data["cards"]
    assert (created["title"], created["created_by_you"], created["assigned_to_you"]) == (
        "Draft the FHIR profile 0", True, False)
    assert created["labels"] == ["legal"]
    assert created["due"] == (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert created["column"] and created["team"] == "Data Spaces"
    assert (assigned["title"], assigned["assigned_to_you"]) == ("Assigned to the person 0", True)
    reaction, = data["reactions"]
    assert reaction["emoji"] == "👍" and reaction["channel"] == "general"
    uploaded, = data["files"]
    assert uploaded["name"] == "Protokoll März <0>.pdf" and uploaded["size"] == len(PDF)
    assert hashlib.sha256(archive_.read(uploaded["path"])).hexdigest() == hashlib.sha256(PDF).hexdigest()
    notifications = {item["kind"]: item["text"] for item in data["notifications"]}  # the assignment's own, too
    assert notifications == {"mention": "Lead Tester mentioned you in Data Spaces",
                             "task_assigned": "Lead Tester assigned you “Assigned to the person 0” in Data Spaces"}
    assert [entry["kind"] for entry in data["logins"]] == ["login", "login.failed"]
    everything = raw.decode()
    for foreign in ("secret of the other person", "the other's comment", "The other's own card", "other-0.pdf"):
        assert foreign not in everything
    assert export.status == "ready" and export.size == files.file_of(export).stat().st_size


def test_index_html_is_escaped_self_contained_and_in_the_persons_language(people, team):
    person, other = people["expert"], people["lead"]
    fill(team, person, other)
    page = built(person, person)[1].read("index.html").decode()
    assert '<html lang="en">' in page and "Messages you wrote" in page
    assert "Looks good &lt;script&gt;x&lt;/script&gt; 0" in page and "<script>" not in page
    assert "Hallo &lt;b&gt;Welt&lt;/b&gt; &amp; Grüße 0" in page
    assert 'src="http' not in page and 'href="http' not in page  # nothing fetched from elsewhere
    set_language(person, person, language="de")
    german = built(people["manager"], person)[1].read("index.html").decode()
    assert '<html lang="de">' in german and "Nachrichten, die Sie geschrieben haben" in german
    assert "<td>Deutsch</td>" in german
    assert "Lead Tester hat Sie in Data Spaces erwähnt" in german


def test_safe_names_for_hostile_file_names(people, team):
    attachment = Attachment(pk=7, name="../../etc/passwd\x00 \u202e<img>.pdf")
    assert archive.safe_name(attachment) == "files/7-.._.._etc_passwd_img.pdf"
    assert archive.safe_name(Attachment(pk=8, name="..")) == "files/8-file"
    assert len(archive.safe_name(Attachment(pk=9, name="x" * 500 + ".pdf"))) <= len("files/9-") + archive.MAX_NAME


def test_the_build_reads_in_bulk_whatever_the_amount_of_data(people, team, tmp_path):
    person, other = people["expert"], people["lead"]
    describe_person(person, team)
    fill(team, person, other)
    small = len(statements(lambda: archive.write(person, tmp_path / "small.zip"))[1])
    for n in range(1, 5):
        fill(team, person, other, n)
    large = len(statements(lambda: archive.write(person, tmp_path / "large.zip"))[1])
    assert_constant(small, large, budget=16)


def test_a_second_run_of_the_job_builds_and_mails_nothing_more(people, team):
    person = people["expert"]
    export, _zip = built(person, person)
    assert len(outbox.outbox) == 1 and outbox.outbox[0].to == [person.email]
    assert job.build_export(export.pk) is False
    assert len(outbox.outbox) == 1


def test_a_job_redelivered_after_a_crash_mid_build_builds_again_and_mails_once(people, team):
    person = people["expert"]
    export = services.request_export(person, person)
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.RUNNING)  # the crashed run's claim
    files.export_root().mkdir(parents=True)
    files.partial_of(export).write_bytes(b"half a zip")
    assert job.build_export(export.pk)
    assert unzip(files.file_of(export).read_bytes()).namelist() == ["data.json", "index.html"]
    assert not files.partial_of(export).exists() and len(outbox.outbox) == 1


def test_a_build_that_fails_leaves_no_file_and_frees_the_person_to_ask_again(people, team, settings, tmp_path):
    person = people["expert"]
    export = services.request_export(person, person)
    settings.MEDIA_ROOT = tmp_path / "a-file"
    settings.MEDIA_ROOT.write_text("not a folder")  # the export folder cannot be made
    assert job.build_export(export.pk) is False
    export.refresh_from_db()
    assert export.status == "failed" and export.shown_status == "failed" and outbox.outbox == []
    services.request_export(person, person)
