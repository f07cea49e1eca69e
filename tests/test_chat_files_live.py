"""A message with files is live for every viewer of the team's socket and replayed on resume (the database's
event log), with what chat.js needs to show it: names, sizes, download and preview links."""
import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from teams.discussion.models import MessageFile
from tests.chatfile_helpers import image_bytes, post_files, upload
from tests.discussion_helpers import general
from tests.ws_client import connected, next_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def post_as(user, team, *files, body=""):
    client = Client()
    client.force_login(user)
    return post_files(client, team, general(team), *files, body=body).json()


async def test_a_message_with_files_reaches_the_others_live_and_on_resume(people, team):
    before = await sync_to_async(lambda: type(team).objects.get(pk=team.pk).last_seq)()
    async with connected(people["observer"], team) as reader:
        answer = await sync_to_async(post_as)(people["expert"], team, upload("scan.png", image_bytes()),
                                              upload("plan.pdf", b"%PDF-1.4\n"), body="Two files")
        event = await next_event(reader, "message.posted")
        assert event["seq"] == answer["seq"] and event["data"]["message"] == answer["message"]
        image, pdf = event["data"]["files"]
        assert (image["name"], image["image"], image["width"], image["height"]) == ("scan.png", True, 480, 320)
        assert (pdf["name"], pdf["image"], pdf["content_type"]) == ("plan.pdf", False, "application/pdf")
        assert "preview" not in pdf and pdf["url"].endswith(f"/files/{pdf['id']}/")
    rows = await sync_to_async(lambda: sorted(MessageFile.objects.values_list("pk", flat=True)))()
    assert [image["id"], pdf["id"]] == rows
    async with connected(people["lead"], team, after=before) as late:  # resumed from before the post
        replayed, = [frame for frame in late.replayed if frame["event"] == "message.posted"]
        assert replayed["data"]["files"] == event["data"]["files"]
