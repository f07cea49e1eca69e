"""Uploads (board attachments, review outputs): size and type checked, served as attachments with a safe
content type, nosniff and a sandbox policy, and only to people who may see the team."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from teams.board.attachments import check_upload
from teams.board.cards import create_card
from teams.board.columns import set_up_board
from teams.board.models import Attachment, Card, Column
from teams.models import Event
from teams.review.models import Output

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def card(people, team):
    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    if column is None:
        set_up_board(team, people["lead"])
        column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    event = create_card(people["lead"], team, column=column, title="Files")
    return Card.objects.get(pk=event.data["card"])


def upload_attachment(client, team, card, name, content):
    url = reverse("board:attachment_add", args=[team.slug, card.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})


def upload_output(client, team, name, content, claimed_type="application/pdf"):
    url = reverse("review:outputs", args=[team.slug])
    return client.post(url, {"title": "Paper", "kind": "position", "status": "planned",
                             "file": SimpleUploadedFile(name, content, content_type=claimed_type)})


@pytest.mark.parametrize("name,content", [
    ("report.pdf", HTML),                        # HTML renamed .pdf: the content does not match the type
    ("page.html", HTML),                         # a type that is not accepted
    ("script.svg", b"<svg onload='alert(1)'/>"),
    ("run.exe", b"MZ\x90\x00"),
    ("empty.txt", b""),
])
def test_bad_attachments_are_refused_and_nothing_is_written(client, people, team, card, name, content):
    client.force_login(people["lead"])
    response = upload_attachment(client, team, card, name, content)
    assert response.status_code in (200, 400, 422)
    assert Attachment.objects.count() == 0
    assert not Event.objects.filter(team=team, kind="card.attachment_added").exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None, FILE_UPLOAD_MAX_MEMORY_SIZE=64 * 1024 * 1024)
def test_oversize_attachment_is_refused(client, people, team, card, monkeypatch):
    monkeypatch.setitem(check_upload.__kwdefaults__, "max_bytes", 1024)
    client.force_login(people["lead"])
    response = upload_attachment(client, team, card, "big.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    assert Attachment.objects.count() == 0
    assert "larger than" in response.content.decode()


def assert_a_safe_plain_text_download(response):
    """Uploaded HTML is never rendered: plain text, downloaded, not sniffed, sandboxed."""
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_text_attachment_with_html_is_served_as_a_plain_text_download(client, people, team, card):
    client.force_login(people["lead"])
    upload_attachment(client, team, card, "notes.txt", HTML)
    attachment = Attachment.objects.get()
    assert attachment.content_type == "text/plain"
    url = reverse("board:attachment", args=[team.slug, card.pk, attachment.pk])
    response = client.get(url)
    assert_a_safe_plain_text_download(response)
    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404


def test_pdf_attachment_keeps_its_stored_type(client, people, team, card):
    client.force_login(people["lead"])
    upload_attachment(client, team, card, "plan.pdf", b"%PDF-1.4\n%...\n" + HTML)
    attachment = Attachment.objects.get()
    response = client.get(reverse("board:attachment", args=[team.slug, card.pk, attachment.pk]))
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("name,content", [("report.pdf", HTML), ("page.html", HTML), ("x.js", b"alert(1)")])
def test_bad_output_files_are_refused(client, people, team, name, content):
    client.force_login(people["lead"])
    response = upload_output(client, team, name, content)
    assert response.status_code == 200  # the form again, with the error
    assert Output.objects.count() == 0
    assert "file" in response.content.decode().lower()


def test_oversize_output_file_is_refused(client, people, team, monkeypatch):
    from teams.review import outputs as review_outputs

    monkeypatch.setattr(review_outputs, "MAX_OUTPUT_BYTES", 1024)
    client.force_login(people["lead"])
    upload_output(client, team, "big.pdf", b"%PDF-1.4\n" + b"0" * 4096)
    assert Output.objects.count() == 0


def test_output_file_served_safely_and_only_to_viewers(client, people, team):
    client.force_login(people["lead"])
    response = upload_output(client, team, "paper.txt", HTML)
    assert response.status_code == 302, response.content.decode()[:2000]
    output = Output.objects.get()
    assert output.file_content_type == "text/plain"
    url = reverse("review:output_file", args=[team.slug, output.pk])
    response = client.get(url)
    assert_a_safe_plain_text_download(response)
    assert b"".join(response.streaming_content) == HTML
    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404


def test_output_file_is_served_with_the_type_checked_on_upload(client, people, team):
    client.force_login(people["lead"])
    assert upload_output(client, team, "paper.pdf", b"%PDF-1.4\n%...\n", claimed_type="text/html").status_code == 302
    output = Output.objects.get()
    assert output.file_content_type == "application/pdf"  # from check_upload, not the client's claim
    url = reverse("review:output_file", args=[team.slug, output.pk])
    assert client.get(url).headers["Content-Type"] == "application/pdf"
    Output.objects.filter(pk=output.pk).update(file_content_type="text/plain")
    assert client.get(url).headers["Content-Type"].startswith("text/plain")  # the stored type, not the name's


def test_a_missing_stored_file_is_not_found(client, people, team, card):
    client.force_login(people["lead"])
    upload_output(client, team, "paper.txt", b"notes")
    upload_attachment(client, team, card, "notes.txt", b"notes")
    output, attachment = Output.objects.get(), Attachment.objects.get()
    output.file.storage.delete(output.file.name)
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(reverse("review:output_file", args=[team.slug, output.pk])).status_code == 404
    assert client.get(reverse("board:attachment", args=[team.slug, card.pk, attachment.pk])).status_code == 404
