"""Lexicographic ranks: strings over 0-9a-z that sort like the cards they order.

`between(lo, hi)` returns a key strictly between two neighbours, so placing a card writes
only that card. Keys never end in "0", so there is always room between two of them; they
grow by about one character per five insertions at the same spot, and when a key would
pass MAX_LENGTH the service spreads that one column again (`spread`).
Plain byte order is used: JavaScript's `<` on these strings agrees with the database.
"""
import math

from django.db.models import Q, QuerySet

from .models import Card, Column

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
BASE = len(DIGITS)
MAX_LENGTH = 24


def _digit(key: str, i: int, default: int) -> int:
    return DIGITS.index(key[i]) if i < len(key) else default


def between(lo: str | None = None, hi: str | None = None) -> str:
    """A key with lo < key < hi; None means no bound on that side."""
    lo, hi = lo or "", hi or ""
    if hi and lo >= hi:
        raise ValueError(f"no rank between {lo!r} and {hi!r}")
    result = []
    i = 0
    bounded = bool(hi)
    while True:
        a = _digit(lo, i, 0)
        b = _digit(hi, i, 0) if bounded else BASE
        if bounded and a == b:
            result.append(DIGITS[a])
            i += 1
            continue
        if not bounded:
            if i >= len(lo):
                result.append(DIGITS[1] if lo else DIGITS[BASE // 2])
                return "".join(result)
            if a + 1 < BASE:  # after everything: a small step keeps keys short when appending
                result.append(DIGITS[a + 1])
                return "".join(result)
            result.append(DIGITS[a])
            i += 1
            continue
        mid = (a + b) // 2
        if mid > a:
            result.append(DIGITS[mid])
            return "".join(result)
        # b == a + 1: keep lo's digit; the prefix is now below hi, only lo bounds the rest.
        result.append(DIGITS[a])
        i += 1
        bounded = False


def spread(count: int) -> list[str]:
    """`count` evenly spaced keys of equal length (a column's fresh start)."""
    if count <= 0:
        return []
    width = max(1, math.ceil(math.log(count + 2, BASE)) + 1)
    span = BASE ** width
    keys = []
    for n in range(1, count + 1):
        value = n * span // (count + 1)
        digits = []
        for _ in range(width):
            value, d = divmod(value, BASE)
            digits.append(DIGITS[d])
        key = "".join(reversed(digits)).rstrip("0") or DIGITS[1]
        keys.append(key)
    return keys


def too_long(key: str) -> bool:
    return len(key) > MAX_LENGTH


def rank_after(siblings: QuerySet, after: Card | Column | None,
               exclude_pk: int | None = None) -> tuple[str, dict[int, str]]:
    """A rank just below the sibling `after` (None: first place), shortening keys when needed.

    Returns (rank, reranked) where reranked maps pk → new rank when the siblings were spread again.
    """
    siblings = siblings.exclude(pk=exclude_pk) if exclude_pk else siblings
    ordered = siblings.order_by("rank", "id")
    if after is None:
        lo = None
        nxt = ordered.values_list("rank", flat=True).first()
    else:
        lo = after.rank
        nxt = ordered.filter(Q(rank__gt=after.rank) | Q(rank=after.rank, id__gt=after.pk)) \
            .values_list("rank", flat=True).first()
    try:
        rank = between(lo, nxt)
    except ValueError:  # equal neighbours (never written by us, but heal rather than fail)
        rank = None
    if rank is not None and not too_long(rank):
        return rank, {}
    # Spread this one list again and retry: rare, and the only write beyond the moved item.
    items = list(ordered)
    keys = spread(len(items) + 1)
    position = 0 if after is None else next(i for i, item in enumerate(items) if item.pk == after.pk) + 1
    reranked = {}
    for i, item in enumerate(items):
        item.rank = keys[i if i < position else i + 1]
        reranked[item.pk] = item.rank
    siblings.model.objects.bulk_update(items, ["rank"])
    return keys[position], reranked
