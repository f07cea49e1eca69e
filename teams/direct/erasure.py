"""An erased person's direct messages (teams/erasure), when cluster management chose to delete what they wrote:
each becomes "Message deleted" as deleting it does (its reactions go; one "message.deleted" event each, so open
pages follow), and the bodies their "message.posted" / "message.edited" events carried are emptied (rows and seqs
stay). Kept messages need nothing here: the author is the anonymised account, and teams.erasure.scrub replaces
the person's name wherever the texts and events quote it. Runs inside the erasure's transaction."""
from django.contrib.auth.models import User
from django.utils import timezone

from . import log
from .models import Conversation, DirectEvent, DirectMessage, DirectReaction

MESSAGE_EVENTS = ("message.posted", "message.edited")


def delete_messages_of(actor: User, person: User) -> int:
    messages = list(DirectMessage.objects.filter(author=person, deleted_at__isnull=True).order_by("pk"))
    now = timezone.now()
    for message in messages:
        message.body, message.html, message.mentions, message.deleted_at = "", "", [], now
    DirectMessage.objects.bulk_update(messages, ["body", "html", "mentions", "deleted_at"], batch_size=500)
    DirectReaction.objects.filter(message__in=messages).delete()
    conversations = {c.pk: c for c in Conversation.objects.select_for_update().filter(
        pk__in={m.conversation_id for m in messages}).order_by("pk")}
    for message in messages:
        log.record(conversations[message.conversation_id], "message.deleted", actor,
                   {"message": message.pk, "author": person.pk})
    old = list(DirectEvent.objects.filter(actor=person, kind__in=MESSAGE_EVENTS))
    for event in old:
        event.data = {**event.data, "body": "", "html": "", "mentions": [], "deleted": True}
    DirectEvent.objects.bulk_update(old, ["data"], batch_size=500)
    return len(messages)
