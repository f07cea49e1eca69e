"""Deleting a team's chat: the one service the retention job (retention.py) calls when the chat is due.

Gone: the messages (roots and their replies, i.e. the threads), their reactions, the read markers and thread
subscriptions of the team's channels, the messages' search documents and the files posted with them
(teams.discussion.files; stored files after commit). Board attachments stay with their cards. The channels stay,
empty.

The team's event log stays gapless: the message events keep their numbers and ids (channel, message, thread,
author, times) but lose the text (body, rendered html, the author's name, mentions). Then one "chat.deleted"
event with the counts tells live clients and the activity feed.
"""
from django.db import connection, transaction

from teams import events
from teams.discussion.files import discard_files
from teams.discussion.models import Message, Reaction, ReadMarker, ThreadSubscription
from teams.models import Event, Team
from teams.permissions import lock_team
from teams.search.models import Document
from teams.search.models import Kind as DocumentKind

# What a message event keeps once its chat is deleted: numbers, never text or names.
KEPT_KEYS = frozenset({"channel", "message", "thread", "author", "by", "user", "emoji", "count", "created_at",
                       "edited_at"})
SCRUB_BATCH = 500


def scrubbed(data: object) -> dict:
    kept = {key: value for key, value in data.items() if key in KEPT_KEYS} if isinstance(data, dict) else {}
    return {**kept, "erased": True}


def _scrub_message_events(team: Team) -> int:
    """One UPDATE per event, sent as a batch (executemany): Django's bulk_update spent ~2 ms an event building
    its CASE expression (docs/privacy.md: the figures)."""
    field = Event._meta.get_field("data")
    changed = []
    for pk, data in Event.objects.filter(team=team, kind__startswith="message.").values_list("pk", "data").iterator(
            chunk_size=SCRUB_BATCH):
        if (kept := scrubbed(data)) != data:
            changed.append((field.get_db_prep_save(kept, connection), pk))
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(changed), SCRUB_BATCH):
            cursor.executemany(f"UPDATE {table} SET data = %s WHERE id = %s", changed[start:start + SCRUB_BATCH])
    return len(changed)


@transaction.atomic
def delete_chat(team: Team) -> Event:
    """Delete the team's chat (the system acts: no permission to check; the team lock as for any change).
    Returns the "chat.deleted" event, whose data holds the counts."""
    team = lock_team(team)
    messages = Message.objects.filter(team=team)
    counts = {
        "messages": messages.count(),
        "threads": messages.filter(thread__isnull=False).values("thread").distinct().count(),
        "reactions": Reaction.objects.filter(message__team=team).delete()[0],
        "read_markers": ReadMarker.objects.filter(channel__team=team).delete()[0],
        "subscriptions": ThreadSubscription.objects.filter(root__team=team).delete()[0],
        "search_documents": Document.objects.filter(team=team, kind=DocumentKind.MESSAGE).delete()[0],
        "files": discard_files(messages),
    }
    # Their reactions and subscriptions are gone: one DELETE each for the replies, then the roots (no collector
    # reading every row: a database constraint still refuses if something else pointed at them).
    replies = messages.filter(thread__isnull=False)
    replies._raw_delete(replies.db)
    messages._raw_delete(messages.db)
    counts["scrubbed_events"] = _scrub_message_events(team)
    return events.record(team, "chat.deleted", None, counts)
