"""Writing the audit trail: `record(kind, ...)` from services, signal receivers and jobs.

The address (and, for receivers that are not told, who acts) comes from the request or socket being served
(`serving(address, actor)`, set by teams.audit.middleware.AuditAddressMiddleware and the team consumer), so
services need not pass it along. A job or a command has neither.
"""
import contextlib
import contextvars
import ipaddress
from collections.abc import Callable, Iterator

from django.contrib.auth.models import AnonymousUser, User

from teams.models import Team

from .models import AuditEntry

Actor = User | AnonymousUser | None
_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_address", default=None)
# A callable: the request's user is known only after the authentication middleware has run.
_actor: contextvars.ContextVar[Callable[[], Actor] | None] = contextvars.ContextVar("audit_actor", default=None)


@contextlib.contextmanager
def serving(address: str | None, actor: Callable[[], Actor] | None = None) -> Iterator[None]:
    """Entries recorded inside this block say they came from `address` (and, where the recorder does not
    know who acts, from `actor()`)."""
    tokens = _address.set(_valid(address)), _actor.set(actor)
    try:
        yield
    finally:
        _address.reset(tokens[0])
        _actor.reset(tokens[1])


def _valid(address: str | None) -> str | None:
    """An address as the column stores it, or None (a forwarded header may hold anything)."""
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def current_address() -> str | None:
    return _address.get()


def current_actor() -> User | None:
    """Who the request or socket being served belongs to (None outside one, or not signed in)."""
    actor = _actor.get()
    user = actor() if actor is not None else None
    return user if isinstance(user, User) and user.is_authenticated else None


def entry(kind: str, *, actor: Actor = None, subject: User | int | None = None, team: Team | int | None = None,
          seq: int | None = None, detail: dict | None = None) -> AuditEntry:
    """An unsaved entry (for bulk_create): people and teams as objects or ids."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEntry(kind=kind, actor_id=actor.pk if actor else None,
                      subject_id=subject.pk if isinstance(subject, User) else subject,
                      team_id=team.pk if isinstance(team, Team) else team, seq=seq,
                      address=current_address(), detail=detail or {})


def record(kind: str, *, actor: Actor = None, subject: User | int | None = None, team: Team | int | None = None,
           seq: int | None = None, detail: dict | None = None) -> AuditEntry:
    """Append one entry. `detail` holds facts (ids, roles, counts), never a person's name or e-mail."""
    made = entry(kind, actor=actor, subject=subject, team=team, seq=seq, detail=detail)
    made.save()
    return made
