"""Erasure (GDPR Art. 17): cluster management erases a person with one call, `erase_person`.

One transaction (the stored files of deleted uploads go after commit): the permission is checked first
(`check_may_erase`, the one place), the person's teams are locked in one order, then their messages and uploads are
handled as chosen (content.py), their account anonymised and their own rows removed (account.py), one
"member.anonymised" event recorded per team they were in (open pages show the new name; docs/realtime.md), and
their old name, login and addresses scrubbed from every copy (scrub.py): event payloads (rows and seqs stay),
notifications, others' mentions, the search index, the admin's log. The Erasure row records the choices.
"""
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from teams import events
from teams.audit import trail
from teams.audit.models import AuditEntry
from teams.dataexport.files import delete_exports_of
from teams.dataexport.job import expire_every_ready_export
from teams.models import ClusterRole, Membership, Team
from teams.permissions import is_cluster_management

from . import account, content
from .models import Erasure, MessageChoice, UploadChoice
from .scrub import Scrubber, scrub_tables

# Not scrubbed: the account (rewritten whole), the erasure and audit records (people by key only), sessions
# (ended; their data is encoded and holds ids only).
NOT_SCRUBBED = {User, Erasure, AuditEntry, Session}
SQLITE_INDEX = "search_fts"  # teams/search/migrations/0002_engines.py


def check_may_erase(actor: User, person: User) -> None:
    """Cluster management only; never themself, never the last active cluster manager, an administrator only by
    an administrator, nobody twice."""
    if not actor.is_authenticated or not actor.is_active or not is_cluster_management(actor):
        raise PermissionDenied(_("Only cluster management erases people."))
    if person.pk == actor.pk:
        raise PermissionDenied(_("You cannot erase yourself."))
    if person.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only an administrator erases an administrator."))
    if Erasure.objects.filter(person=person).exists():
        raise ValidationError(_("This person has been erased already."), code="erased")
    managers = User.objects.filter(groups__name=ClusterRole.CLUSTER_MANAGEMENT, is_active=True)
    if person.is_active and managers.filter(pk=person.pk).exists() and not managers.exclude(pk=person.pk).exists():
        raise ValidationError(_("This is the last active cluster manager: name another one first."),
                              code="last_manager")


def may_erase(actor: User, person: User) -> bool:
    try:
        check_may_erase(actor, person)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _choice(value: object, choices: type[models.TextChoices], field: str) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise ValidationError({field: _("Choose one of the offered options.")})
    return value


@transaction.atomic
def erase_person(actor: User, person: User, *, messages: str, uploads: str) -> Erasure:
    messages = _choice(messages, MessageChoice, "messages")
    uploads = _choice(uploads, UploadChoice, "uploads")
    person = User.objects.select_for_update().get(pk=person.pk)
    check_may_erase(actor, person)
    teams = {team.pk: team for team in Team.objects.select_for_update().filter(
        pk__in=content.teams_touched(person)).order_by("pk")}
    identity = account.identity_of(person)
    erasure = Erasure.objects.create(person=person, erased_by=actor, messages=messages, uploads=uploads)
    name, username = f"{account.FIRST_NAME} {erasure.number}", account.new_username(erasure.number)
    counts = content.handle_content(actor, person, teams, messages=messages, uploads=uploads)
    counts |= account.remove_personal_rows(person, identity)
    account.clear_profile(person)
    account.anonymise_account(actor, person, number=erasure.number, username=username)
    member_of = Membership.objects.filter(user=person).values_list("team_id", flat=True).distinct()
    for team_id in sorted(member_of):
        events.record(teams[team_id], "member.anonymised", actor, {"user": person.pk, "name": name,
                                                                   "username": username})
    scrubbable = [model for model in apps.get_models() if model not in NOT_SCRUBBED and model._meta.managed]
    counts["scrubbed"] = scrub_tables(scrubbable, Scrubber(identity, name=name, username=username))
    counts["exports_deleted"] = delete_exports_of(person)
    transaction.on_commit(expire_every_ready_export)  # others' ZIPs may quote them: ended once this holds
    erasure.counts = counts
    erasure.save(update_fields=["counts"])
    trail.record("person.erased", actor=actor, subject=person,
                 detail={"messages": messages, "uploads": uploads, "number": erasure.number})
    if connection.vendor == "sqlite":
        transaction.on_commit(_optimise_sqlite_index)
    return erasure


def _optimise_sqlite_index() -> None:
    """FTS5 keeps a deleted document's words in its older index segments until they are merged: merge them all,
    so no word of the person's stays in the index file."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {SQLITE_INDEX}({SQLITE_INDEX}) VALUES ('optimize')")
