"""Writing the audit trail: `record(kind, ...)` from services, signal receivers and jobs.

The address comes from the request or socket being served (`serving(address)`, set by
workspace.middleware.AuditAddressMiddleware and the team consumer), so services need not pass it along.
A job or a command has none.
"""
import contextlib
import contextvars
from collections.abc import Iterator

from django.contrib.auth.models import User

from teams.models import Team

from .models import AuditEntry

_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_address", default=None)


@contextlib.contextmanager
def serving(address: str | None) -> Iterator[None]:
    """Entries recorded inside this block say they came from `address`."""
    token = _address.set(address or None)
    try:
        yield
    finally:
        _address.reset(token)


def current_address() -> str | None:
    return _address.get()


def record(kind: str, *, actor: User | None = None, subject: User | None = None, team: Team | None = None,
           seq: int | None = None, detail: dict | None = None) -> AuditEntry:
    """Append one entry. `detail` holds facts (ids, roles, counts), never a person's name or e-mail."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEntry.objects.create(kind=kind, actor=actor, subject=subject, team=team, seq=seq,
                                     address=current_address(), detail=detail or {})
