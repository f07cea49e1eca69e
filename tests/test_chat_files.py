"""Files in chat (teams/discussion/files.py, file_views.py): the board's upload checks, previews, who posts and
who downloads (tests/matrix.py CHAT_FILE_ALLOWED), deletion, bad input, constant queries."""
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teams.board.attachments import check_upload
from teams.discussion.channels import create_channel
from teams.discussion.messages import delete_message
from teams.discussion.models import Message, MessageFile
from teams.discussion.posting import post_message
from teams.models import Event
from teams.privacy.chat_erasure import delete_chat
from tests.chatfile_helpers import HTML, files_url, image_bytes, post_files, upload
from tests.discussion_helpers import general
from tests.matrix import VISITORS, chat_file_rule
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file())


def nothing_written(team, media):
    assert MessageFile.objects.count() == 0
    assert not Message.objects.filter(team=team).exists()
    assert not Event.objects.filter(team=team, kind="message.posted").exists()
    assert stored_files(media) == []  # staged files were removed again


def test_an_image_with_text_is_posted_with_a_preview(client, people, team, media):
    client.force_login(people["expert"])
    channel = general(team)
    response = post_files(client, team, channel, upload("scan.png", image_bytes()), body="See **this**")
    assert response.status_code == 200, response.content
    answer = response.json()
    message = Message.objects.get(pk=answer["message"])
    row = message.files.get()
    assert (row.name, row.content_type, row.is_image) == ("scan.png", "image/png", True)
    assert (row.width, row.height) == (480, 320)  # the preview fits 480 × 360, proportions kept
    assert "scan" not in row.file.name  # never the user's name on disk
    event = Event.objects.get(team=team, seq=answer["seq"])
    assert event.kind == "message.posted" and "<strong>this</strong>" in event.data["html"]
    file, = event.data["files"]
    url = reverse("discussion:file", args=[team.slug, channel.pk, row.pk])
    assert file == {"id": row.pk, "name": "scan.png", "size": row.size, "content_type": "image/png", "url": url,
                    "image": True, "preview": url + "?preview=1", "width": 480, "height": 320}
    original = client.get(url)
    assert original.status_code == 200 and original["Content-Type"] == "image/png"
    assert original["Content-Disposition"].startswith("inline")
    assert original["X-Content-Type-Options"] == "nosniff" and "sandbox" in original["Content-Security-Policy"]
    preview = client.get(url + "?preview=1")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
    assert b"".join(preview.streaming_content).startswith(b"\xff\xd8\xff")
    page = client.get(reverse("discussion:channel", args=[team.slug, channel.pk])).content.decode()
    assert f'src="{url}?preview=1"' in page and 'alt="scan.png"' in page


@pytest.mark.parametrize("name,fmt,content_type", [("a.jpg", "JPEG", "image/jpeg"), ("b.gif", "GIF", "image/gif"),
                                                   ("c.webp", "WEBP", "image/webp")])
def test_each_image_type_gets_a_preview(client, people, team, name, fmt, content_type):
    client.force_login(people["lead"])
    assert post_files(client, team, general(team), upload(name, image_bytes(fmt, (50, 40)))).status_code == 200
    row = MessageFile.objects.get()
    assert row.content_type == content_type and row.preview and (row.width, row.height) == (50, 40)


def test_a_message_may_be_only_a_file_and_other_files_are_downloads(client, people, team):
    client.force_login(people["expert"])
    channel = general(team)
    response = post_files(client, team, channel, upload("notes.txt", HTML))
    assert response.status_code == 200
    message = Message.objects.get()
    assert (message.body, message.html) == ("", "")
    row = message.files.get()
    assert not row.is_image and row.content_type == "text/plain"
    download = client.get(reverse("discussion:file", args=[team.slug, channel.pk, row.pk]))
    assert download["Content-Type"].startswith("text/plain")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff" and "sandbox" in download["Content-Security-Policy"]
    assert client.get(reverse("discussion:file", args=[team.slug, channel.pk, row.pk]) + "?preview=1"
                      ).status_code == 404
    page = client.get(reverse("discussion:channel", args=[team.slug, channel.pk])).content.decode()
    assert re.search(r'<a class="file" href="[^"]+" download>notes.txt</a>', page)


def test_a_reply_in_a_thread_may_carry_files(client, people, team):
    channel = general(team)
    root = post_message(people["lead"], team, channel=channel, body="Please send the slides")
    client.force_login(people["expert"])
    response = post_files(client, team, channel, upload("slides.pdf", b"%PDF-1.7\n..."), thread=root.pk)
    assert response.status_code == 200
    reply = Message.objects.get(pk=response.json()["message"])
    assert reply.thread_id == root.pk and reply.files.count() == 1
    thread = client.get(reverse("discussion:history", args=[team.slug, channel.pk]) + f"?thread={root.pk}").json()
    assert "slides.pdf" in thread["html"]


@pytest.mark.parametrize("name,content,error", [
    ("report.png", HTML, "does not match"),                      # HTML renamed .png (signature)
    ("photo.png", image_bytes("JPEG"), "does not match"),        # a JPEG called .png (Pillow's format)
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "could not be read"),  # a PNG signature, no image
    ("fake.webp", b"RIFF\x00\x00\x00\x00WAVEfmt ", "could not be read"),       # RIFF, but a sound
    ("page.html", HTML, "not accepted"),
    ("vector.svg", b"<svg onload='alert(1)'/>", "not accepted"),
    ("run.exe", b"MZ\x90\x00", "not accepted"),
    ("empty.txt", b"", "empty"),
])
def test_bad_files_are_refused_and_nothing_is_written(client, people, team, media, name, content, error):
    client.force_login(people["lead"])
    response = post_files(client, team, general(team), upload(name, content), body="with a file")
    assert response.status_code == 400 and error in response.json()["error"]
    nothing_written(team, media)


def test_a_too_big_file_is_refused(client, people, team, media, monkeypatch):
    monkeypatch.setitem(check_upload.__kwdefaults__, "max_bytes", 1024)
    client.force_login(people["lead"])
    response = post_files(client, team, general(team), upload("big.pdf", b"%PDF-1.4\n" + b"0" * 2048))
    assert response.status_code == 400 and "larger than" in response.json()["error"]
    nothing_written(team, media)


def test_one_bad_file_refuses_the_whole_post(client, people, team, media):
    client.force_login(people["lead"])
    response = post_files(client, team, general(team), upload("ok.png", image_bytes()), upload("bad.exe", b"MZ"))
    assert response.status_code == 400
    nothing_written(team, media)


@pytest.mark.parametrize("case", ["no file", "eleven files", "thread not a number", "another channel's thread",
                                  "text too long", "unknown channel", "other team's channel"])
def test_bad_posts_are_refused_and_nothing_is_written(client, people, team, make_team, media, case):
    client.force_login(people["lead"])
    channel = general(team)
    other = create_channel(people["lead"], team, name="other")
    elsewhere = post_message(people["lead"], team, channel=other, body="elsewhere")
    target = make_team(name="Another team") if case == "other team's channel" else team
    before = Message.objects.count(), Event.objects.count()
    file = upload("a.txt", b"hello")
    status = 400
    if case == "no file":
        response = post_files(client, team, channel, body="no file")
    elif case == "eleven files":
        response = post_files(client, team, channel, *[upload(f"{n}.txt", b"x") for n in range(11)])
    elif case == "thread not a number":
        response = post_files(client, team, channel, file, thread="abc")
    elif case == "another channel's thread":
        response = post_files(client, team, channel, file, thread=elsewhere.pk)
    elif case == "text too long":
        response = post_files(client, team, channel, file, body="x" * 10_001)
    else:
        status = 404
        url = files_url(team, general(target)) if case == "other team's channel" else \
            reverse("discussion:post_files", args=[team.slug, 987654])
        response = client.post(url, {"file": [file]})
    assert response.status_code == status
    assert (Message.objects.count(), Event.objects.count()) == before
    assert MessageFile.objects.count() == 0 and stored_files(media) == []


@pytest.mark.parametrize("role", VISITORS)
def test_who_posts_and_downloads_files(client, people, team, media, role):
    channel = general(team)
    client.force_login(people["lead"])
    post_files(client, team, channel, upload("plan.pdf", b"%PDF-1.4\n"))
    row = MessageFile.objects.get()
    client.logout()
    if role != "anonymous":
        client.force_login(people[role])
    url = reverse("discussion:file", args=[team.slug, channel.pk, row.pk])
    download = client.get(url)
    posted = post_files(client, team, channel, upload("mine.txt", b"hello"))
    if role == "anonymous":
        assert download.status_code == 302 and posted.status_code == 302  # to the sign-in page
    else:
        assert download.status_code == (200 if chat_file_rule(role, "download_file") else 404)
        assert posted.status_code == (200 if chat_file_rule(role, "post_file") else
                                      403 if chat_file_rule(role, "download_file") else 404)
    assert MessageFile.objects.count() == (2 if chat_file_rule(role, "post_file") else 1)
    assert len(stored_files(media)) == MessageFile.objects.count()


def test_a_file_is_reached_only_through_its_own_channel_and_team(client, people, team, make_team):
    channel = general(team)
    other_channel = create_channel(people["lead"], team, name="other")
    other_team = make_team(name="Another team")
    client.force_login(people["lead"])
    post_files(client, team, channel, upload("plan.pdf", b"%PDF-1.4\n"))
    row = MessageFile.objects.get()
    assert client.get(reverse("discussion:file", args=[team.slug, channel.pk, row.pk])).status_code == 200
    assert client.get(reverse("discussion:file", args=[team.slug, other_channel.pk, row.pk])).status_code == 404
    assert client.get(reverse("discussion:file", args=[other_team.slug, general(other_team).pk, row.pk])
                      ).status_code == 404
    assert client.get(reverse("discussion:file", args=[team.slug, channel.pk, 987654])).status_code == 404


def test_deleting_the_message_deletes_its_files(client, people, team, media, django_capture_on_commit_callbacks):
    channel = general(team)
    client.force_login(people["expert"])
    post_files(client, team, channel, upload("scan.png", image_bytes()), upload("notes.txt", b"notes"))
    message = Message.objects.get()
    assert len(stored_files(media)) == 3  # two files and a preview
    url = reverse("discussion:file", args=[team.slug, channel.pk, message.files.first().pk])
    with django_capture_on_commit_callbacks(execute=True):
        event = delete_message(people["expert"], team, message=message)
    assert event.kind == "message.deleted"
    assert MessageFile.objects.count() == 0 and stored_files(media) == []
    assert client.get(url).status_code == 404


def test_deleting_the_chat_deletes_its_files(client, people, team, media, django_capture_on_commit_callbacks):
    client.force_login(people["expert"])
    post_files(client, team, general(team), upload("scan.png", image_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        event = delete_chat(team)
    assert event.data["files"] == 1 and "files" not in Event.objects.get(kind="message.posted").data
    assert MessageFile.objects.count() == 0 and stored_files(media) == []


def test_the_channel_page_reads_files_in_constant_queries(client, people, team):
    channel = general(team)
    client.force_login(people["expert"])
    url = reverse("discussion:channel", args=[team.slug, channel.pk])

    def grow(total):
        while Message.objects.filter(channel=channel).count() < total:
            post_files(client, team, channel, upload("a.txt", b"hello"), upload("b.txt", b"again"))

    def count():
        response, sql = statements(lambda: client.get(url))
        assert response.status_code == 200
        return len(sql)

    grow(2)
    small = count()
    grow(12)
    large = count()
    assert_constant(small, large, 19, "channel page with files")  # and the pins panel
    assert default_storage.exists(MessageFile.objects.first().file.name)


@pytest.mark.fuzz
def test_random_fields_with_a_file_never_crash_and_refusals_write_nothing(client, people, team, media):
    client.force_login(people["expert"])
    channel = general(team)
    root = post_message(people["lead"], team, channel=channel, body="root")
    scalar = st.one_of(st.text(max_size=300), st.integers(-10, 10**15).map(str),
                       st.sampled_from(["", " ", str(root.pk), "<script>alert(1)</script>", "\x00", "a" * 10_001]))
    names = st.sampled_from(["a.txt", "a.png", "a.pdf", "../../etc/passwd", "noext", ".txt", "a.PNG", "x" * 300])
    contents = st.sampled_from([b"hello", b"%PDF-1.4\n", image_bytes(size=(4, 4)), b"\x89PNG\r\n\x1a\n", b"\x00"])

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(body=scalar, thread=st.one_of(st.none(), scalar), name=names, content=contents)
    def run(body, thread, name, content):
        before = Message.objects.count(), Event.objects.count(), MessageFile.objects.count()
        response = post_files(client, team, channel, upload(name, content), body=body, thread=thread)
        assert response.status_code in (200, 400), (response.status_code, body, thread, name)
        if response.status_code == 400:
            assert (Message.objects.count(), Event.objects.count(), MessageFile.objects.count()) == before
        assert len(stored_files(media)) == MessageFile.objects.count() + MessageFile.objects.exclude(preview="").count()

    run()


@pytest.mark.parametrize("role", VISITORS)
def test_a_private_channels_files_are_for_its_members_only(client, people, team, media, role):
    """Posting and downloading in a private channel follow its membership (teams.discussion.access), not the team:
    the lead's channel for the expert and the observer is unknown (404) to everyone else, cluster management too."""
    channel = create_channel(people["lead"], team, name="inner", private=True,
                             members=[people["expert"].pk, people["observer"].pk])
    client.force_login(people["lead"])
    assert post_files(client, team, channel, upload("plan.pdf", b"%PDF-1.4\n")).status_code == 200
    row = MessageFile.objects.get()
    client.logout()
    if role != "anonymous":
        client.force_login(people[role])
    member = role in ("lead", "expert", "observer")
    download = client.get(reverse("discussion:file", args=[team.slug, channel.pk, row.pk]))
    preview = client.get(reverse("discussion:file", args=[team.slug, channel.pk, row.pk]) + "?preview=1")
    posted = post_files(client, team, channel, upload("mine.txt", b"hello"))
    if role == "anonymous":
        assert download.status_code == 302 and posted.status_code == 302
    else:
        assert download.status_code == (200 if member else 404)
        assert preview.status_code in ((200, 404) if member else (404,))  # a PDF has no preview
        writes = member and chat_file_rule(role, "post_file")
        assert posted.status_code == (200 if writes else 403 if member else 404)
    expected = 2 if member and role != "anonymous" and chat_file_rule(role, "post_file") else 1
    assert MessageFile.objects.count() == expected
