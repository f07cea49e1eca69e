"""Helpers for the direct-message tests: conversations made through the services, and a private marker."""
from teams.direct.conversations import start_conversation
from teams.direct.messages import post_message
from teams.direct.models import DirectMessage

SECRET = "Kohlrabi-7731 confidential"  # in every message of the matrix's conversation; never in a refused answer


def pair(people, first="expert", second="lead"):
    """The conversation of two people of the `people` fixture, with one message by each (the first's holds SECRET)."""
    conversation = start_conversation(people[first], [people[second]])
    post_message(people[first], conversation.pk, body=f"Hello, {SECRET}")
    post_message(people[second], conversation.pk, body="Hi back")
    return conversation


def grow(conversation, authors, count):
    """`count` messages, alternating authors (bulk: the size, not the service, is what is measured)."""
    DirectMessage.objects.bulk_create([
        DirectMessage(conversation=conversation, author=authors[i % len(authors)], body=f"m{i}", html=f"<p>m{i}</p>")
        for i in range(count)])
