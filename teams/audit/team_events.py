"""The security-relevant team events, appended to the audit trail inside the writing transaction
(registered with teams.events.on_recorded in AuditConfig.ready).

An entry links its event (team + seq) and copies no content: the member concerned as `subject` where the event
names one, and only ids, roles and dates from the payload (never a name or a title).
"""
import logging
from collections.abc import Mapping

from django.contrib.auth.models import User
from django.db import transaction

from teams.invitations.models import Invitation
from teams.models import Event, Team

from .models import AuditEntry
from .trail import entry

log = logging.getLogger(__name__)

AUDITED = frozenset({
    "team.proposed", "team.launched", "team.extended", "team.concluded", "team.archived", "team.ended",
    "member.added", "member.role_changed", "member.removed", "member.declined",
    "invitation.sent", "invitation.resent", "invitation.revoked", "invitation.accepted", "invitation.declined",
    "message.deleted", "card.archived", "column.archived", "card.attachment_removed",
})
# The payload facts an entry keeps: ids, roles, dates.
KEPT = ("role", "invitation", "channel", "message", "card", "column", "attachment", "previous_end_date")


def _subject(event: Event, invitees: Mapping[int, int | None]) -> int | None:
    data = event.data
    for key in ("user", "author"):  # member events; a deleted message's author
        if type(data.get(key)) is int:
            return data[key]
    if event.kind.startswith("invitation.") and type(data.get("invitation")) is int:
        return invitees.get(data["invitation"])
    return None


def _detail(event: Event) -> dict:
    data = event.data
    detail = {key: data[key] for key in KEPT if isinstance(data.get(key), (int, str)) and key in data}
    if event.kind == "team.extended" and isinstance(data.get("team"), dict):
        detail["end_date"] = data["team"].get("end_date")
    return detail


def _entries(audited: list[Event], team: Team) -> list[AuditEntry]:
    invitation_ids = {event.data.get("invitation") for event in audited if event.kind.startswith("invitation.")}
    invitees = dict(Invitation.objects.filter(pk__in=[pk for pk in invitation_ids if type(pk) is int])
                    .values_list("pk", "invitee_id")) if invitation_ids else {}
    subjects = {event.seq: _subject(event, invitees) for event in audited}
    # Only people who exist: PostgreSQL checks the key at COMMIT, where a fault would undo the team change.
    existing = set(User.objects.filter(pk__in={pk for pk in subjects.values() if pk is not None})
                   .values_list("pk", flat=True))
    return [entry(event.kind, actor=event.actor, subject=subjects[event.seq] if subjects[event.seq] in existing
                  else None, team=team, seq=event.seq, detail=_detail(event)) for event in audited]


def audit_events(events: list[Event], team: Team) -> None:
    """One bulk INSERT for the batch's audited events; never raises (a fault is logged, in a savepoint so the
    team change stands)."""
    audited = [event for event in events if event.kind in AUDITED]
    if not audited:
        return
    try:
        with transaction.atomic():  # a savepoint: a failed statement leaves the team's transaction usable
            AuditEntry.objects.bulk_create(_entries(audited, team))
    except Exception:
        log.exception("audit: could not record team events %s", [event.seq for event in audited])
