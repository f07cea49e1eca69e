"""The direct-message pages: the list (newest first, unread counts), a conversation, its history, the person
picker and starting a conversation; escaping; constant SQL as conversations and messages grow."""
import pytest

from teams.direct.conversations import start_conversation
from teams.direct.messages import delete_message
from teams.direct.models import Conversation, DirectMessage, DirectReaction
from teams.direct.reactions import mark_read
from tests.conftest import make_user
from tests.direct_helpers import grow, pair
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    response, sql = statements(lambda: client.get(url))
    assert response.status_code == 200
    return len(sql), response


def more_conversations(people, count):
    """`count` new conversations of the expert, each with a message by the other person and a reaction."""
    for n in range(count):
        other = make_user(f"person{Conversation.objects.count()}-{n}")
        conversation = start_conversation(people["expert"], [other, people["lead"]] if n % 2 else [other])
        grow(conversation, [other], 2)
        DirectReaction.objects.create(message=DirectMessage.objects.filter(conversation=conversation).first(),
                                      user=other, emoji="👍")


def test_list_conversation_and_history_queries_are_constant(client, people):
    conversation = pair(people)
    client.force_login(people["expert"])
    client.get("/messages/")  # warm Django's per-process caches first
    small_list, _ = count_queries(client, "/messages/")
    page_url = f"/messages/{conversation.pk}/"
    small_page, _ = count_queries(client, page_url)
    small_history, _ = count_queries(client, f"{page_url}history/?before=999999")

    more_conversations(people, 30)
    grow(conversation, [people["expert"], people["lead"]], 500)
    for message in DirectMessage.objects.filter(conversation=conversation).order_by("-id")[:60]:
        DirectReaction.objects.create(message=message, user=people["lead"], emoji="🎉")
    large_list, response = count_queries(client, "/messages/")
    assert response.content.decode().count("data-conversation=") == 31
    large_page, page = count_queries(client, page_url)
    oldest = DirectMessage.objects.filter(conversation=conversation).order_by("-id")[100].pk
    large_history, history = count_queries(client, f"{page_url}history/?before={oldest}")
    print(f"direct list queries: {small_list} at 1 conversation, {large_list} at 31; conversation page "
          f"{small_page}/{large_page} at 2/502 messages; history {small_history}/{large_history}")
    assert_constant(small_list, large_list, 8, "messages list")
    assert_constant(small_page, large_page, 10, "conversation page")
    assert_constant(small_history, large_history, 8, "history")
    assert page.content.decode().count('<li class="msg') == 50 and history.json()["more"]


def test_the_list_shows_unread_counts_newest_first(client, people):
    older = pair(people)
    newer = pair(people, "observer", "expert")
    client.force_login(people["lead"])
    html = client.get("/messages/").content.decode()
    assert f'data-conversation="{older.pk}"' in html and f'data-conversation="{newer.pk}"' not in html
    client.force_login(people["expert"])
    html = client.get("/messages/").content.decode()
    assert html.index(f'data-conversation="{newer.pk}"') < html.index(f'data-conversation="{older.pk}"')
    assert 'data-count="1"' in html and 'data-count="0"' in html


def test_bodies_are_escaped_and_markdown_rendered(client, people):
    conversation = start_conversation(people["expert"], [people["lead"]])
    client.force_login(people["expert"])
    client.post(f"/messages/{conversation.pk}/post/", {"body": "**ok** <script>alert(1)</script> @lead"})
    html = client.get(f"/messages/{conversation.pk}/").content.decode()
    assert "<strong>ok</strong>" in html and "<script>alert" not in html
    assert '<span class="mention">@lead</span>' in html


def test_the_picker_finds_active_people_and_starting_goes_to_the_pair(client, people):
    make_user("gone", is_active=False)
    client.force_login(people["expert"])
    found = client.get("/messages/people/?q=le").content.decode()
    assert 'data-person="lead"' in found and 'data-person="expert"' not in found
    assert 'data-person="gone"' not in client.get("/messages/people/?q=gone").content.decode()
    response = client.post("/messages/new/", {"people": [people["lead"].pk]})
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/messages/{conversation.pk}/"
    assert client.post("/messages/new/", {"people": [people["lead"].pk]})["Location"] == response["Location"]
    refused = client.post("/messages/new/", {"people": ["x"]}, follow=True).content.decode()
    assert "Choose people from the list." in refused and Conversation.objects.count() == 1
    group = client.post("/messages/new/", {"people": [people["lead"].pk, people["observer"].pk], "name": "Trio"})
    assert Conversation.objects.get(name="Trio").participants.count() == 3 and group.status_code == 302


def test_german_pages(client, people):
    conversation = pair(people)
    people["expert"].profile.language = "de"
    client.force_login(people["expert"])
    html = client.get("/messages/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Neue Nachricht" in html and "Nachrichten" in html
    html = client.get(f"/messages/{conversation.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Senden" in html


def test_a_persons_page_starts_a_conversation_with_them(client, people):
    client.force_login(people["expert"])
    html = client.get("/people/lead/").content.decode()
    assert "data-start-message" in html and "data-start-message" not in client.get("/people/expert/").content.decode()
    response = client.post("/messages/new/", {"people": [people["lead"].pk]})
    assert response["Location"] == f"/messages/{Conversation.objects.get().pk}/"


@pytest.mark.django_db
def test_a_deleted_message_shows_no_seen_by(client, people):
    conversation = pair(people)
    mine = DirectMessage.objects.filter(conversation=conversation, author=people["expert"]).get()
    mark_read(people["lead"], conversation.pk, message=DirectMessage.objects.latest("pk").pk)
    client.force_login(people["expert"])
    assert "Seen by Lead Tester" in client.get(f"/messages/{conversation.pk}/").content.decode()
    delete_message(people["expert"], conversation.pk, message=mine.pk)
    for url in (f"/messages/{conversation.pk}/", f"/messages/{conversation.pk}/history/"):
        answer = client.get(url)
        html = answer.json()["html"] if url.endswith("history/") else answer.content.decode()
        assert "Message deleted" in html and "Seen by Lead Tester" not in html, url
