"""The kinds of audit entries and how a page or the CSV says them (translated when read, in the reader's
language). An entry's `detail` holds ids, roles and dates only; `describe` puts them after the kind's label.

A kind not listed here is shown by its name (tests/test_audit.py checks that every kind the code records is listed).
"""
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teams.erasure.models import MessageChoice, UploadChoice
from teams.models import ClusterRole, Membership
from teams.privacy.models import Notice

from .models import AuditEntry

KINDS = {
    # Signing in and accounts (teams/audit/receivers.py, teams/accounts/services.py and views).
    "login": gettext_lazy("Signed in"),
    "login.failed": gettext_lazy("Failed sign-in"),
    "login.locked": gettext_lazy("Locked out after failed sign-ins"),
    "logout": gettext_lazy("Signed out"),
    "password.changed": gettext_lazy("Password changed"),
    "password.reset": gettext_lazy("Password set through a reset link"),
    "email.changed": gettext_lazy("New e-mail address confirmed"),
    "person.deactivated": gettext_lazy("Person deactivated"),
    "person.reactivated": gettext_lazy("Person reactivated"),
    "person.erased": gettext_lazy("Person erased"),
    "cluster_role.added": gettext_lazy("Cluster role given"),
    "cluster_role.removed": gettext_lazy("Cluster role taken away"),
    # The Django admin (its LogEntry rows: teams/audit/receivers.py).
    "admin.added": gettext_lazy("Added in the admin"),
    "admin.changed": gettext_lazy("Changed in the admin"),
    "admin.deleted": gettext_lazy("Deleted in the admin"),
    # Team events (teams/audit/team_events.py): the entry links the event by the team's seq.
    "team.proposed": gettext_lazy("Team proposed"),
    "team.launched": gettext_lazy("Team launched"),
    "team.extended": gettext_lazy("Team extended"),
    "team.concluded": gettext_lazy("Team concluded"),
    "team.archived": gettext_lazy("Team archived"),
    "team.ended": gettext_lazy("Team ended (time frame over)"),
    "member.added": gettext_lazy("Member added"),
    "member.role_changed": gettext_lazy("Member's role changed"),
    "member.removed": gettext_lazy("Member removed or left"),
    "member.declined": gettext_lazy("Join request declined"),
    "invitation.sent": gettext_lazy("Invitation sent"),
    "invitation.resent": gettext_lazy("Invitation sent again"),
    "invitation.revoked": gettext_lazy("Invitation withdrawn"),
    "invitation.accepted": gettext_lazy("Invitation accepted"),
    "invitation.declined": gettext_lazy("Invitation declined"),
    "message.deleted": gettext_lazy("Message deleted"),
    "card.archived": gettext_lazy("Card archived"),
    "column.archived": gettext_lazy("Column archived"),
    "card.attachment_removed": gettext_lazy("Attachment removed"),
    # Reports and this log.
    "report.requested": gettext_lazy("Report requested"),
    "report.downloaded": gettext_lazy("Report downloaded"),
    "audit.exported": gettext_lazy("Audit log exported"),
    "audit.pruned": gettext_lazy("Old audit entries removed (retention period)"),
    # A person's data (teams/dataexport), the notices and retention (teams/privacy).
    "export.requested": gettext_lazy("Data export requested"),
    "export.downloaded": gettext_lazy("Data export downloaded"),
    "notice.changed": gettext_lazy("Notice changed"),
    "notice.acknowledged": gettext_lazy("Privacy notice acknowledged"),
    "retention.archived": gettext_lazy("Team archived (retention period)"),
    "retention.chat_deleted": gettext_lazy("Team chat deleted (retention period)"),
    # Webhooks (teams/webhooks) and calendar links (teams/calendar): data leaving the workspace.
    "webhook.created": gettext_lazy("Webhook added"),
    "webhook.deleted": gettext_lazy("Webhook removed"),
    "webhook.enabled": gettext_lazy("Webhook switched on"),
    "webhook.disabled": gettext_lazy("Webhook switched off"),
    "calendar.link_created": gettext_lazy("Calendar link made"),
    "calendar.link_revoked": gettext_lazy("Calendar link switched off"),
    # Personal access tokens for the JSON API (teams/api/tokens.py).
    "token.created": gettext_lazy("API token made"),
    "token.revoked": gettext_lazy("API token revoked"),
}
KIND_CHOICES = [(kind, label) for kind, label in KINDS.items()]

# The facts of `detail` a page shows, in this order.
FACTS = {
    "tried": gettext_lazy("name tried"),
    "role": gettext_lazy("role"),
    "cluster_role": gettext_lazy("cluster role"),
    "invitation": gettext_lazy("invitation"),
    "channel": gettext_lazy("channel"),
    "message": gettext_lazy("message"),
    "card": gettext_lazy("card"),
    "column": gettext_lazy("column"),
    "attachment": gettext_lazy("attachment"),
    "end_date": gettext_lazy("until"),
    "previous_end_date": gettext_lazy("previously until"),
    "model": gettext_lazy("record type"),
    "object": gettext_lazy("record"),
    "export": gettext_lazy("report"),
    "format": gettext_lazy("format"),
    "rows": gettext_lazy("rows"),
    "before": gettext_lazy("older than"),
    "data_export": gettext_lazy("data export"),
    "notice": gettext_lazy("notice"),
    "version": gettext_lazy("version"),
    "messages": gettext_lazy("messages"),
    "endpoint": gettext_lazy("webhook"),
    "token": gettext_lazy("API token"),
    "scope": gettext_lazy("scope"),
    "days": gettext_lazy("days"),
    "uploads": gettext_lazy("files"),
    "number": gettext_lazy("former member no."),
}

# Facts that are a record's number (shown as "#12").
NUMBERED = frozenset({"invitation", "channel", "message", "card", "column", "attachment", "export", "data_export",
                      "endpoint", "token"})


def _choice_label(choices: type[TextChoices], value: object) -> object:
    labels: dict[object, object] = dict(choices.choices)
    return labels.get(value, value)


def _fact(key: str, value: object) -> str:
    if key == "role":
        value = _choice_label(Membership.Role, value)
    elif key == "cluster_role":
        value = _choice_label(ClusterRole, value)
    elif key == "notice":
        value = _choice_label(Notice.Kind, value)
    elif key == "messages":  # an erasure's choice, or how many a retention deleted
        value = _choice_label(MessageChoice, value)
    elif key == "uploads":
        value = _choice_label(UploadChoice, value)
    elif key in NUMBERED:
        value = f"#{value}"
    return f"{FACTS[key]}: {value}"


def describe(entry: AuditEntry) -> str:
    """What happened, in words: the kind's label, then its facts ("Member's role changed (role: Lead)")."""
    label = str(KINDS[entry.kind]) if entry.kind in KINDS else entry.kind
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    facts = [_fact(key, detail[key]) for key in FACTS if detail.get(key) not in (None, "")]
    if entry.kind == "member.removed" and entry.actor_id is not None and entry.actor_id == entry.subject_id:
        facts.insert(0, _("left the team"))
    return f"{label} ({'; '.join(facts)})" if facts else label
