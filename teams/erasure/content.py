"""What an erased person wrote and uploaded, as cluster management chose: messages and card comments kept (their
author is the anonymised account) or deleted; board attachments deleted or kept.

Called by services.erase_person inside its transaction, with the person's teams locked. Deleting a message is what
the discussion app does (teams.discussion.messages.blank: a "deleted" placeholder stays, with its replies), for all
of them at once: one "message.deleted" event each (one INSERT per team), and the bodies their earlier
"message.posted" / "message.edited" events carried are emptied too (the rows and seqs stay).
"""
from collections import defaultdict

from django.contrib.auth.models import User
from django.db import transaction

from teams import events
from teams.board.models import Attachment, Comment
from teams.board.state import touch
from teams.direct.erasure import delete_messages_of
from teams.discussion.files import discard_files
from teams.discussion.messages import DELETED_FIELDS, blank, deleted_data
from teams.discussion.models import Message, Pin, Reaction
from teams.models import Event, Team
from teams.search.models import Document, Kind

from .models import MessageChoice, UploadChoice

MESSAGE_EVENTS = ("message.posted", "message.edited")


def _by_team(rows, team_of) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[team_of(row)].append(row)
    return grouped


def delete_messages(actor: User, person: User, teams: dict[int, Team]) -> int:
    messages = list(Message.objects.filter(author=person, deleted_at__isnull=True).order_by("pk"))
    for message in messages:
        blank(message, actor)
    Message.objects.bulk_update(messages, DELETED_FIELDS, batch_size=500)
    ids = [message.pk for message in messages]
    Reaction.objects.filter(message_id__in=ids).delete()
    discard_files(ids)
    Pin.objects.filter(message_id__in=ids).delete()  # a blanked message leaves the "Pinned" panels
    for team_id, written in _by_team(messages, lambda message: message.team_id).items():
        events.record_many(teams[team_id], "message.deleted", [(actor, deleted_data(m, actor)) for m in written])
    # The words were also in the events that posted and edited them (search: removed by the events above).
    old = list(Event.objects.filter(actor=person, kind__in=MESSAGE_EVENTS))
    for event in old:
        if isinstance(event.data, dict):
            event.data = {**event.data, "body": "", "html": "", "mentions": [], "files": [], "deleted": True}
    Event.objects.bulk_update(old, ["data"], batch_size=500)
    return len(messages)


def delete_comments(person: User) -> int:
    ids = list(Comment.objects.filter(author=person).values_list("pk", flat=True))
    Document.objects.filter(kind=Kind.COMMENT, object_id__in=ids).delete()
    Comment.objects.filter(pk__in=ids).delete()
    return len(ids)


def delete_uploads(actor: User, person: User, teams: dict[int, Team]) -> int:
    """Board attachments: rows now (one "card.attachment_removed" event each, as removing one does), files
    after commit."""
    attachments = list(Attachment.objects.filter(uploaded_by=person).select_related("card").order_by("pk"))
    stored = [attachment.file.name for attachment in attachments if attachment.file.name]
    for attachment in attachments:
        card, pk, name = attachment.card, attachment.pk, attachment.name
        attachment.delete()
        touch(card, teams[card.team_id], actor, "card.attachment_removed", {"attachment": pk, "name": name})
    if stored:
        transaction.on_commit(lambda: _delete_files(stored))
    return len(attachments)


def _delete_files(names: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def handle_content(actor: User, person: User, teams: dict[int, Team], *, messages: str, uploads: str) -> dict:
    counts = {"messages_deleted": 0, "comments_deleted": 0, "uploads_deleted": 0}
    if messages == MessageChoice.DELETE:
        counts["messages_deleted"] = delete_messages(actor, person, teams)
        counts["comments_deleted"] = delete_comments(person)
        counts["direct_messages_deleted"] = delete_messages_of(actor, person)
    if uploads == UploadChoice.DELETE:
        counts["uploads_deleted"] = delete_uploads(actor, person, teams)
    return counts


def teams_touched(person: User) -> set[int]:
    """Every team whose rows this erasure may change: to lock them first, in one order."""
    from_memberships = person.memberships.values_list("team_id", flat=True)
    from_messages = Message.objects.filter(author=person).values_list("team_id", flat=True).distinct()
    from_uploads = Attachment.objects.filter(uploaded_by=person).values_list("card__team_id", flat=True).distinct()
    return {*from_memberships, *from_messages, *from_uploads}
