"""A socket answers in its person's language (found by the independent tester: a German user's board errors were
English): the language cookie they chose, else the browser's Accept-Language, as pages do. Batched posts from
people of two languages at the same moment each get their own language."""
import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import translation

from realtime.socket import scope_language
from tests.discussion_helpers import general
from tests.ws_client import connect, request, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

def german(text):
    with translation.override("de"):
        return translation.gettext(text)

async def answers(socket, frames):
    return [await request(socket, frame) for frame in frames]

async def test_errors_come_in_the_language_the_person_chose(people, team):
    channel = await sync_to_async(general)(team)
    frames = [{"type": "card.update", "id": "a", "card": 987654, "version": 1, "title": "x"},  # one at a time
              {"type": "message.post", "id": "b", "channel": channel.pk, "body": "   "},  # batched
              {"type": "nonsense", "id": "c"}]  # the consumer's own
    english = await connect(people["lead"], team)
    cookie = await sync_to_async(session_cookie)(people["expert"])
    deutsch = await connect(people["expert"], team, cookie=f"{cookie}; {settings.LANGUAGE_COOKIE_NAME}=de")
    try:
        in_english, in_german = await asyncio.gather(answers(english, frames), answers(deutsch, frames))
    finally:
        await english.disconnect()
        await deutsch.disconnect()
    for en, de in zip(in_english, in_german):
        assert en["type"] == de["type"] == "error" and en["code"] == de["code"]
        field = "body: " if en["message"].startswith("body: ") else ""  # a form's field names are not words
        assert de["message"].startswith(field) and de["message"] != en["message"], (en, de)
        assert de["message"].removeprefix(field) == german(en["message"].removeprefix(field)), (en, de)


@pytest.mark.parametrize("cookies,accept,expected", [
    ({}, "", "en"), ({}, "de-DE,de;q=0.9,en;q=0.8", "de"), ({}, "fr-CH, fr;q=0.9, de;q=0.5", "de"),
    ({"django_language": "en"}, "de", "en"), ({"django_language": "de"}, "en", "de"),
    ({"django_language": "xx"}, "*", "en"), ({}, "x" * 2000, "en")])
def test_a_sockets_language_is_the_chosen_one_then_the_browsers(cookies, accept, expected):
    scope = {"cookies": cookies, "headers": [(b"accept-language", accept.encode())]}
    assert scope_language(scope) == expected
