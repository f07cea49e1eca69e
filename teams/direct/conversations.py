"""Starting a conversation: with one person (one conversation per pair: a second start goes to it) or a group of
3 to MAX_PARTICIPANTS people (a new one each time, a name optional)."""
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import log
from .access import may_use
from .models import MAX_NAME_LENGTH, MAX_PARTICIPANTS, Conversation, Participant


def pair_key(first: int, second: int) -> str:
    low, high = sorted((first, second))
    return f"{low}:{high}"


def _others(actor: User, people: Iterable[User | int]) -> list[User]:
    named = {getattr(person, "pk", person) for person in people} - {actor.pk}
    ids = {pk for pk in named if isinstance(pk, int)}
    if len(ids) != len(named):
        raise ValidationError({"people": _("Choose people from the list.")})
    if not ids:
        raise ValidationError({"people": _("Choose at least one person.")})
    if len(ids) > MAX_PARTICIPANTS - 1:
        raise ValidationError({"people": _("A conversation has at most %(max)d people, you included.")
                               % {"max": MAX_PARTICIPANTS}})
    others = list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))
    if len(others) != len(ids):
        raise ValidationError({"people": _("Some of the chosen people cannot receive messages.")})
    return others


@transaction.atomic
def start_conversation(actor: User, people: Iterable[User | int], *, name: str = "") -> Conversation:
    """The conversation of `actor` with `people` (ids or Users): the existing one of a pair, or a new one."""
    if not may_use(actor):
        raise PermissionDenied(_("Sign in to send messages."))
    others = _others(actor, people)
    name = (name or "").strip()
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError({"name": _("A name has at most %(max)d characters.") % {"max": MAX_NAME_LENGTH}})
    pair = pair_key(actor.pk, others[0].pk) if len(others) == 1 else None
    if pair is not None:
        existing = Conversation.objects.filter(pair=pair).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():  # two people starting the same pair at once: the second finds the first's
            conversation = Conversation.objects.create(pair=pair, name="" if pair else name, created_by=actor)
    except IntegrityError:
        return Conversation.objects.get(pair=pair)
    Participant.objects.bulk_create([Participant(conversation=conversation, user=person)
                                     for person in [actor, *others]])
    log.record(conversation, "conversation.started", actor,
               {"participants": [actor.pk, *(person.pk for person in others)], "name": conversation.name})
    return conversation
