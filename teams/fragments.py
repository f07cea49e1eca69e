"""Rendered parts of a team's pages (member rows, board tiles, message lists) in Django's cache, keyed by what
they show, so that a page of 500 members or cards is read and written once per change instead of per request.

The key holds everything the fragment depends on:
- the team's last event seq: every change of the team's data goes through the event log (teams/events.py), so
  a new member, a moved card or a posted message is a new seq and a new key;
- the team's created_at: a deleted team's id reused by a new team (SQLite reuses the highest rowid) starts a
  new log at seq 0;
- the outside version: what pages show that is not in the team's log (names, organisations, the master
  plan's goal titles) and whatever else invalidates every fragment (a restored database whose seqs run
  again). Saving a person, a profile, an organisation or a goal, focal area or field of action (account
  page, admin, erasure) and a restore renew it (`renew_all`, signals below);
- the language, the time zone and the cluster's local date (words, date formats; "overdue" and the days
  left change at midnight);
- the variant the caller names: what differs between viewers (their abilities, the board's filter).
Per-viewer markup (the viewer's own row, their unread marks) stays out of the cached part; CSRF tokens are
cached as CSRF_SLOT and filled in per request (`with_csrf`).

Fragments have a cache of their own (settings.CACHES["fragments"]). The outside version lives there too:
LocMem in the embedded run (one web process; the Celery worker edits no people), Redis when scaled out (shared
by every daphne). A culled or lost version is replaced by a new random one, never by an earlier value, so an
eviction can only cost a rebuild, never show stale names.
"""
import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .models import FieldOfAction, FocalArea, Profile, StrategicGoal, Team
from .people.models import Organisation

T = TypeVar("T")
OUTSIDE_KEY = "fragments.outside"
TIMEOUT = 24 * 3600  # a key outlives its day only by an unused entry; the cache drops it then
# What a cached fragment holds where a CSRF token goes: an HTML comment, which no text a person wrote can be
# (escaped, `<` is `&lt;`; in JSON `\u003C`; Markdown's cleaner drops comments). Safe: `{% csrf_token %}` writes it
# as it is.
CSRF_SLOT = mark_safe("<!--csrf-token-of-a-cached-fragment-->")  # noqa: S308 (a constant)


def _cache():
    return caches["fragments"]  # settings.CACHES: LocMem of its own embedded, Redis scaled out


def outside_version() -> str:
    version = _cache().get(OUTSIDE_KEY)
    if version is None:
        _cache().add(OUTSIDE_KEY, uuid.uuid4().hex, None)  # another process may have set one meanwhile: keep it
        version = _cache().get(OUTSIDE_KEY) or uuid.uuid4().hex
    return version


def _renew() -> None:
    _cache().set(OUTSIDE_KEY, uuid.uuid4().hex, None)


def renew_all(**_kwargs) -> None:
    """Every cached fragment is stale from now on (a person renamed, a database restored): now, and again
    once committed, since a page read in between may cache the old names under the new version."""
    _renew()
    transaction.on_commit(_renew)


def _person_saved(sender, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # a login or a new password: nothing a page shows of the person
    renew_all()


def connect() -> None:
    """Called from TeamsConfig.ready: every save of what pages show of a person, and of the master plan's names
    (goals, focal areas, fields of action: edited in the admin), gives fragments a new key."""
    for model in (get_user_model(), Profile, Organisation, StrategicGoal, FocalArea, FieldOfAction):
        post_save.connect(_person_saved, sender=model, dispatch_uid=f"fragments.saved.{model._meta.label}")
        post_delete.connect(renew_all, sender=model, dispatch_uid=f"fragments.deleted.{model._meta.label}")
    # A deleted team's seqs leave the sum that cluster_cached keys on: it could fall back to a value already used.
    post_delete.connect(renew_all, sender=Team, dispatch_uid="fragments.deleted.team")


def _now() -> tuple:
    """What every key of this request shares: the outside version, the language, the time zone, the date."""
    return (outside_version(), get_language(), timezone.get_current_timezone_name(), timezone.localdate().isoformat())


def key(kind: str, team: Team, variant: tuple = (), now: tuple | None = None) -> str:
    # Hashed: variants may hold user text (a board filter), and memcached/Redis keys have limits.
    parts = repr((team.last_seq, team.created_at.isoformat(), now or _now(), variant))
    return f"fragment:{kind}:{team.pk}:{hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()}"


def cached(kind: str, team: Team, variant: tuple, build: Callable[[], T]) -> T:
    """The fragment `kind` of `team` for `variant`, built by `build()` when the cache does not hold it.

    Read team.last_seq before anything the fragment shows: what `build()` reads is then at least that new."""
    name = key(kind, team, variant)
    value = _cache().get(name)
    if value is None:
        value = build()
        _cache().set(name, value, TIMEOUT)
    return value


def cached_many(kind: str, items: list[tuple[Team, tuple]], build: Callable[[Team], str]) -> list[str]:
    """`cached` for a list of teams (one fragment each, e.g. a card in a list of teams): one read and at most one
    write of the cache for the whole list."""
    now = _now()
    keys = [key(kind, team, variant, now) for team, variant in items]
    found = _cache().get_many(keys)
    built = {name: build(team) for name, (team, _variant) in zip(keys, items, strict=True) if name not in found}
    if built:
        _cache().set_many(built, TIMEOUT)
    return [found[name] if name in found else built[name] for name in keys]


def with_csrf(request, html: str) -> str:
    """A cached fragment's CSRF slots filled with this request's token (one token serves every form)."""
    return html.replace(CSRF_SLOT, get_token(request)) if CSRF_SLOT in html else html


# Where a page's template takes its cached content (`page`): an HTML comment, which escaped user text never is.
CONTENT_SLOT = "<!--content-of-a-cached-page-->"


def filled(request, content: bytes, slots: dict[str, str] | None = None) -> bytes:
    """Cached, encoded content with this request's CSRF token in its CSRF slots and each of `slots` (slot: value)
    replaced: one pass each over the bytes."""
    if CSRF_SLOT.encode() in content:  # get_token only where a form needs it: it marks the cookie for renewal
        content = content.replace(CSRF_SLOT.encode(), get_token(request).encode())
    for slot, value in (slots or {}).items():
        content = content.replace(slot.encode(), value.encode())
    return content


def page(request, template: str, context: dict, content: bytes) -> HttpResponse:
    """`template` for this request with `content` (a page's large cached part, encoded) where it says
    {{ content }}. The template is rendered around a slot and the bytes are put in its place: a board of 500 cards
    (455 KB) was copied several times by the template engine and encoded again at every request (2–3 ms)."""
    html = render_to_string(template, {**context, "content": mark_safe(CONTENT_SLOT)}, request)  # noqa: S308
    head, tail = html.split(CONTENT_SLOT)
    return HttpResponse(b"".join((head.encode(), content, tail.encode())))


def cluster_cached(kind: str, variant: tuple, build: Callable[[], T]) -> T:
    """`cached` for what spans teams (the directory, the master plan): keyed by the sum of every team's last seq
    (one read of the teams table; every change of a team's data is an event and moves its seq) instead of one
    team's. Not the newest event id: ids are handed out at insert, not at commit, so a page read between two
    writers' commits would be cached under an id that the slower one's commit does not change. A committed
    seq only grows, so every commit gives a new sum (a deleted team renews the outside version).

    What such a page shows from outside the teams' logs must renew the outside version (`renew_all`)."""
    seqs = Team.objects.aggregate(total=Sum("last_seq"), teams=Count("pk"))
    parts = repr((seqs["total"], seqs["teams"], _now(), variant))
    name = f"fragment:{kind}:cluster:{hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()}"
    value = _cache().get(name)
    if value is None:
        value = build()
        _cache().set(name, value, TIMEOUT)
    return value
