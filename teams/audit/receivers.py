"""What the audit trail hears from Django and django-axes (connected in AuditConfig.ready): signing in and
out, failed and locked-out sign-ins, cluster roles (User.groups) and the Django admin's actions.

A receiver never raises into the request it listens to: a failure is logged (the action itself stands).
Actions that have a service record there instead (teams/accounts/services.py: deactivation, e-mail change).
"""
import functools
import logging
from collections.abc import Callable, Iterable

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_save

from teams.text_input import check_line

from .models import AuditEntry
from .trail import current_actor, entry, record

log = logging.getLogger(__name__)

TRIED_MAX = 150  # Django's username length
ADMIN_KINDS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


def never_raises(receiver: Callable) -> Callable:
    @functools.wraps(receiver)
    def guarded(*args, **kwargs):
        try:
            with transaction.atomic():  # a savepoint: a failed INSERT leaves the caller's transaction usable
                receiver(*args, **kwargs)
        except Exception:
            log.exception("audit: %s could not record", receiver.__name__)
    return guarded


@never_raises
def logged_in(sender, request, user, **kwargs) -> None:
    record("login", actor=user, subject=user)


@never_raises
def logged_out(sender, request, user, **kwargs) -> None:
    if user is not None and user.is_authenticated:
        record("logout", actor=user, subject=user)


def tried(typed: object) -> tuple[User | None, dict]:
    """The account a typed login name (or e-mail) belongs to, or the typed text: only an unknown name is stored
    (at most TRIED_MAX characters of text that passes the rules of a line; else nothing of it)."""
    if not isinstance(typed, str) or not typed.strip():
        return None, {}
    typed = typed.strip()[:TRIED_MAX]
    try:
        check_line(typed)
    except ValidationError:
        return None, {}
    person = User.objects.filter(Q(username=typed) | Q(email__iexact=typed)).order_by("pk").first()
    return (person, {}) if person is not None else (None, {"tried": typed})


@never_raises
def login_failed(sender, credentials, request=None, **kwargs) -> None:
    person, detail = tried(credentials.get("username"))
    record("login.failed", subject=person, detail=detail)


@never_raises
def locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    person, detail = tried(username)
    record("login.locked", subject=person, detail=detail)


def _group_names(pks: Iterable[int]) -> dict[int, str]:
    return dict(Group.objects.filter(pk__in=pks).values_list("pk", "name"))


@never_raises
def groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """User.groups changed from either side (user.groups.add, group.user_set.remove, the admin's form)."""
    if action == "pre_clear":  # what a clear takes away is known only before it
        pk_set = set(instance.user_set.values_list("pk", flat=True) if reverse
                     else instance.groups.values_list("pk", flat=True))
        kind = "cluster_role.removed"
    elif action in ("post_add", "post_remove"):
        kind = "cluster_role.added" if action == "post_add" else "cluster_role.removed"
    else:
        return
    if not pk_set:
        return
    actor = current_actor()
    if reverse:  # instance is the group, pk_set its users
        entries = [entry(kind, actor=actor, subject=pk, detail={"cluster_role": instance.name}) for pk in pk_set]
    else:
        entries = [entry(kind, actor=actor, subject=instance, detail={"cluster_role": name})
                   for name in _group_names(pk_set).values()]
    AuditEntry.objects.bulk_create(entries)


def _about(row: LogEntry) -> tuple[str, int | None]:
    """The record type ("auth.user") and, for a person, their id."""
    kind = row.content_type
    model = f"{kind.app_label}.{kind.model}" if kind is not None else ""
    object_id = str(row.object_id or "")
    return model, int(object_id) if model == "auth.user" and object_id.isdigit() and len(object_id) < 19 else None


def admin_entries(logged: Iterable[LogEntry]) -> None:
    """One audit entry per admin LogEntry: the record type and id, never object_repr (it may be a name)."""
    rows = [(row, *_about(row)) for row in logged if row.action_flag in ADMIN_KINDS]
    people = {person for _row, _model, person in rows if person is not None}
    existing = set(User.objects.filter(pk__in=people).values_list("pk", flat=True)) if people else set()
    entries = [entry(ADMIN_KINDS[row.action_flag], actor=row.user, subject=person if person in existing else None,
                     detail={"model": model, "object": str(row.object_id or "")[:40]})
               for row, model, person in rows]
    AuditEntry.objects.bulk_create(entries)


@never_raises
def admin_logged(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        admin_entries([instance])


def audit_bulk_admin_log(original: Callable) -> Callable:
    """LogEntryManager.log_actions writes several rows (the admin's "delete selected") with bulk_create, which
    sends no post_save: audit those here. One row (single_object) is saved and heard by admin_logged."""
    @functools.wraps(original)
    def log_actions(self, user_id, queryset, action_flag, change_message="", *, single_object=False):
        logged = original(self, user_id, queryset, action_flag, change_message, single_object=single_object)
        if not single_object:
            never_raises(admin_entries)(logged)
        return logged
    log_actions.audited = True  # type: ignore[attr-defined]
    return log_actions


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="audit.login")
    user_logged_out.connect(logged_out, dispatch_uid="audit.logout")
    user_login_failed.connect(login_failed, dispatch_uid="audit.login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
    m2m_changed.connect(groups_changed, sender=User.groups.through, dispatch_uid="audit.groups")
    post_save.connect(admin_logged, sender=LogEntry, dispatch_uid="audit.admin")
    if not getattr(LogEntryManager.log_actions, "audited", False):
        LogEntryManager.log_actions = audit_bulk_admin_log(LogEntryManager.log_actions)  # type: ignore[method-assign]
