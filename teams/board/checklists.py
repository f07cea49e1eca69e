"""A card's checklist (Action.CONTRIBUTE), under `teams.permissions.lock_and_require_board`'s lock
contract; each change bumps the card's version and carries its tile state (board.state.touch)."""
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams.models import Event
from teams.permissions import Action, lock_and_require_board

from .models import Card, ChecklistItem
from .state import fresh_card, touch

MAX_CHECKLIST_ITEMS = 100


@transaction.atomic
def add_checklist_item(actor: User, card: Card, *, text: str) -> Event:
    team = lock_and_require_board(actor, Action.CONTRIBUTE, card.team)
    card = fresh_card(card, team)
    text = (text or "").strip()
    if not text or len(text) > 200:
        raise ValidationError({"text": _("A checklist item has 1 to 200 characters.")})
    count = card.checklist.count()
    if count >= MAX_CHECKLIST_ITEMS:
        raise ValidationError(_("A card has at most %(n)d checklist items.") % {"n": MAX_CHECKLIST_ITEMS})
    item = ChecklistItem.objects.create(card=card, text=text, position=count)
    return touch(card, team, actor, "card.checklist_changed", {"item": item.pk, "item_text": item.text,
                                                                 "item_done": False, "change": "added"})


@transaction.atomic
def set_checklist_item(actor: User, item: ChecklistItem, *, done: bool) -> Event | None:
    team = lock_and_require_board(actor, Action.CONTRIBUTE, item.card.team)
    item = ChecklistItem.objects.select_related("card").get(pk=item.pk, card__team=team, card__archived=False)
    if item.done == bool(done):
        return None
    item.done = bool(done)
    item.save(update_fields=["done"])
    return touch(item.card, team, actor, "card.checklist_changed", {"item": item.pk, "item_text": item.text,
                                                                      "item_done": item.done, "change": "checked"})


@transaction.atomic
def remove_checklist_item(actor: User, item: ChecklistItem) -> Event:
    team = lock_and_require_board(actor, Action.CONTRIBUTE, item.card.team)
    item = ChecklistItem.objects.select_related("card").get(pk=item.pk, card__team=team, card__archived=False)
    card, pk, text = item.card, item.pk, item.text
    item.delete()
    return touch(card, team, actor, "card.checklist_changed", {"item": pk, "item_text": text,
                                                                 "change": "removed"})
