"""The audit trail (teams/audit/): each kind is recorded through the real views, services and socket with who
(actor), about whom (subject), team, the team event's seq and the client's address."""
import ast
import datetime
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from teams import events
from teams import membership as membership_services
from teams.audit.kinds import KINDS, describe
from teams.audit.models import AuditEntry
from teams.audit.receivers import tried
from teams.audit.team_events import AUDITED
from teams.board.cards import create_card
from teams.board.models import Card, Column
from teams.invitations.models import Invitation
from teams.models import ClusterRole, Event, Membership
from teams.review import reports
from teams.review.models import ReportExport
from tests.conftest import make_user
from tests.test_activity import audit_record_imported
from tests.ws_client import connect, request

pytestmark = pytest.mark.django_db
IP = "10.1.2.3"


def only(kind, **where):
    found = list(AuditEntry.objects.filter(kind=kind, **where))
    assert len(found) == 1, (kind, found)
    return found[0]


def signed_in(client, user):
    client.force_login(user)
    return client


# Signing in ----------------------------------------------------------------------------------------------------

def test_login_and_logout_carry_the_person_and_the_address(client, people):
    client.post(reverse("login"), {"username": "expert", "password": "pw"}, REMOTE_ADDR=IP)
    client.post(reverse("logout"), REMOTE_ADDR="2001:db8::7")
    login, logout = only("login"), only("logout")
    assert (login.actor, login.subject, login.address) == (people["expert"], people["expert"], IP)
    assert (logout.actor, logout.subject, logout.address) == (people["expert"], people["expert"], "2001:db8::7")


@pytest.mark.parametrize("typed", ["expert", "EXPERT@example.org"])
def test_a_failed_login_of_an_account_names_it_by_key_and_stores_no_text(client, people, typed):
    client.post(reverse("login"), {"username": typed, "password": "wrong"}, REMOTE_ADDR=IP)
    failed = only("login.failed")
    assert (failed.actor, failed.subject, failed.address, failed.detail) == (None, people["expert"], IP, {})


def test_a_failed_login_of_an_unknown_name_keeps_the_typed_text(client, people):
    client.post(reverse("login"), {"username": "nobody-" + "x" * 143, "password": "wrong"}, REMOTE_ADDR=IP)
    failed = only("login.failed")
    assert failed.subject is None and failed.detail == {"tried": "nobody-" + "x" * 143}
    assert tried("y" * 400) == (None, {"tried": "y" * 150})  # never more than a login name's length


def test_a_login_name_longer_than_any_is_refused_by_the_form(client, people):
    """django-axes stored it in a 255-character column: on PostgreSQL a 500."""
    response = client.post(reverse("login"), {"username": "x" * 300, "password": "wrong"}, REMOTE_ADDR=IP)
    assert response.status_code == 200 and "at most 150 characters" in response.content.decode()


@pytest.mark.parametrize("typed", ["bad\ufffdname", "tab\tname", "nul\x00name", "bidi\u202ename"])
def test_a_failed_login_with_hostile_text_stores_none_of_it(client, people, typed):
    response = client.post(reverse("login"), {"username": typed, "password": "wrong"}, REMOTE_ADDR=IP)
    assert response.status_code in (200, 400)
    for failed in AuditEntry.objects.filter(kind="login.failed"):  # the form may refuse before authenticating
        assert failed.detail == {} and failed.subject is None


@pytest.mark.parametrize("typed", [["expert"], {"a": "b"}, 7, None, " ", "x" * 150])
def test_a_failed_authentication_with_text_no_request_could_carry_is_recorded_without_it(people, typed):
    assert authenticate(RequestFactory().post("/login/", REMOTE_ADDR=IP), username=typed, password="x") is None
    failed = only("login.failed")
    assert failed.subject is None and failed.detail in ({}, {"tried": "x" * 150})


def test_a_lockout_is_recorded_for_the_account(client, people, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "expert", "password": "wrong"}, REMOTE_ADDR=IP)
    locked = only("login.locked")
    assert (locked.subject, locked.address, locked.detail) == (people["expert"], IP, {})


# Accounts --------------------------------------------------------------------------------------------------------

def test_a_password_change_is_recorded(client, people):
    signed_in(client, people["expert"]).post("/account/password/", {
        "old_password": "pw", "new_password1": "Kanban-im-Herbst-2026", "new_password2": "Kanban-im-Herbst-2026"},
        REMOTE_ADDR=IP)
    changed = only("password.changed")
    assert (changed.actor, changed.subject, changed.address) == (people["expert"], people["expert"], IP)


def test_a_password_reset_is_recorded_without_an_actor(client, people):
    client.post("/password/reset/", {"email": "expert@example.org"}, REMOTE_ADDR=IP)
    path = "/password/reset/" + mail.outbox[0].body.split("/password/reset/")[1].split()[0]
    form = client.get(path, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "Kanban-im-Herbst-2026",
                                             "new_password2": "Kanban-im-Herbst-2026"}, REMOTE_ADDR=IP)
    reset = only("password.reset")
    assert (reset.actor, reset.subject, reset.address) == (None, people["expert"], IP)


def audit_kinds_in_the_code():
    """Every kind passed as a literal to the audit trail's record() (teams/audit/trail.py) in the project."""
    kinds = set()
    for path in (Path(__file__).resolve().parent.parent / "teams").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        if "audit" in path.parts or audit_record_imported(tree):
            kinds |= {node.args[0].value for node in ast.walk(tree) if isinstance(node, ast.Call)
                      and isinstance(node.func, ast.Name) and node.func.id in ("record", "entry") and node.args
                      and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)}
    return kinds


def test_every_kind_the_code_records_has_a_label_in_both_languages():
    found = audit_kinds_in_the_code()
    assert {"login", "password.changed", "report.downloaded", "audit.exported"} <= found  # the search works
    assert found <= set(KINDS) and AUDITED <= set(KINDS)
    for kind in KINDS:
        with translation.override("en"):
            english = describe(AuditEntry(kind=kind))
        with translation.override("de"):
            german = describe(AuditEntry(kind=kind))
        assert kind not in (english, german) and german != english, kind


def test_hostile_typed_names_are_not_stored():
    for typed in ("bad\ud800name", "nul\x00", "zero\u200bwidth", ["expert"], 7):
        assert tried(typed) == (None, {})


def test_a_confirmed_email_change_is_recorded_without_addresses(client, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes after commit
        signed_in(client, people["expert"]).post("/account/email/", {"email": "new@example.org", "password": "pw"})
    path = "/account/email/confirm/" + mail.outbox[0].body.split("/account/email/confirm/")[1].split()[0]
    Client().post(path, REMOTE_ADDR=IP)
    changed = only("email.changed")
    assert (changed.actor, changed.subject, changed.address) == (None, people["expert"], IP)
    assert "example.org" not in str(changed.detail)


def test_deactivation_and_reactivation_are_recorded(client, people):
    signed_in(client, people["manager"])
    client.post(f"/account/people/{people['outsider'].pk}/active/", {"active": "0"}, REMOTE_ADDR=IP)
    client.post(f"/account/people/{people['outsider'].pk}/active/", {"active": "1"}, REMOTE_ADDR=IP)
    for kind in ("person.deactivated", "person.reactivated"):
        entry = only(kind)
        assert (entry.actor, entry.subject, entry.address) == (people["manager"], people["outsider"], IP)


def test_cluster_roles_given_and_taken_from_either_side(people):
    AuditEntry.objects.prune(timezone.now() + datetime.timedelta(days=1))  # the fixture's own group changes
    advisory = Group.objects.get(name=ClusterRole.ADVISORY_BOARD)
    people["outsider"].groups.add(advisory)
    advisory.user_set.remove(people["outsider"])
    people["expert"].groups.add(advisory)
    people["expert"].groups.clear()
    added = AuditEntry.objects.filter(kind="cluster_role.added").order_by("id")
    removed = AuditEntry.objects.filter(kind="cluster_role.removed").order_by("id")
    role = {"cluster_role": "advisory_board"}
    assert [(e.subject, e.detail) for e in added] == [(people["outsider"], role), (people["expert"], role)]
    assert [(e.subject, e.detail) for e in removed] == [(people["outsider"], role), (people["expert"], role)]


def admin(people):
    boss = people["manager"]
    boss.is_staff = boss.is_superuser = True
    boss.save()
    client = Client()
    client.force_login(boss)
    return client


def test_admin_actions_name_the_record_type_and_id_never_its_text(people):
    client = admin(people)
    group = Group.objects.get(name=ClusterRole.EXPERT_PANEL)
    response = client.post(f"/admin/auth/user/{people['outsider'].pk}/change/", {
        "username": "outsider", "first_name": "Otto", "last_name": "Outsider", "email": "outsider@example.org",
        "is_active": "on", "groups": [group.pk], "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "10:00:00"}, REMOTE_ADDR=IP)
    assert response.status_code == 302, response.content.decode()[:3000]
    changed = only("admin.changed")
    assert (changed.actor, changed.subject, changed.address) == (people["manager"], people["outsider"], IP)
    assert changed.detail == {"model": "auth.user", "object": str(people["outsider"].pk)}
    given = only("cluster_role.added", subject=people["outsider"])
    assert (given.actor, given.subject, given.address) == (people["manager"], people["outsider"], IP)


def test_the_admins_bulk_delete_is_audited_per_object(people):
    client = admin(people)
    doomed = [User.objects.create_user(f"doomed{i}") for i in range(3)]  # no profile: the admin may delete them
    doomed[0].groups.add(Group.objects.get(name=ClusterRole.EXPERT_PANEL))  # an entry about them: SET_NULL
    client.post("/admin/auth/user/", {"action": "delete_selected", "_selected_action": [u.pk for u in doomed],
                                      "post": "yes"}, REMOTE_ADDR=IP)
    assert not User.objects.filter(username__startswith="doomed").exists()
    deleted = list(AuditEntry.objects.filter(kind="admin.deleted"))
    assert sorted(e.detail["object"] for e in deleted) == sorted(str(u.pk) for u in doomed)
    assert all(e.actor == people["manager"] and e.address == IP and e.subject is None for e in deleted)  # SET_NULL
    assert AuditEntry.objects.filter(kind="cluster_role.added", subject=None,
                                     detail__cluster_role="expert_panel").count() == 1


# Team events ---------------------------------------------------------------------------------------------------

def test_launch_is_linked_to_its_event(people, team):
    launched = only("team.launched")
    event = Event.objects.get(team=team, kind="team.launched")
    assert (launched.actor, launched.team, launched.seq, launched.detail) == (people["manager"], team, event.seq, {})
    added = AuditEntry.objects.filter(kind="member.added", team=team)
    assert {e.subject for e in added} >= {people["expert"], people["observer"]}


def test_role_change_removal_and_leaving_over_http(client, people, team):
    expert = Membership.objects.get(team=team, user=people["expert"])
    signed_in(client, people["lead"]).post(f"/teams/{team.slug}/members/{expert.pk}/role/", {"role": "observer"},
                                           REMOTE_ADDR=IP)
    changed = only("member.role_changed")
    event = Event.objects.get(team=team, kind="member.role_changed")
    assert (changed.actor, changed.subject, changed.team, changed.seq, changed.address, changed.detail) == (
        people["lead"], people["expert"], team, event.seq, IP, {"role": "observer"})
    client.post(f"/teams/{team.slug}/members/{expert.pk}/remove/", REMOTE_ADDR=IP)
    removed = only("member.removed")
    assert (removed.actor, removed.subject, removed.address) == (people["lead"], people["expert"], IP)
    membership_services.remove_member(people["observer"], Membership.objects.get(team=team, user=people["observer"]))
    left = AuditEntry.objects.filter(kind="member.removed", subject=people["observer"]).get()
    assert left.actor == people["observer"] and left.address is None  # a service called outside a request


def test_invitations_name_the_invitee(client, people, team):
    newcomer = make_user("newcomer")
    signed_in(client, people["lead"]).post(f"/teams/{team.slug}/members/invite/",
                                           {"people": newcomer.pk, "role": "expert"}, REMOTE_ADDR=IP)
    invitation = Invitation.objects.get(team=team)
    sent = only("invitation.sent")
    assert (sent.actor, sent.subject, sent.team, sent.address) == (people["lead"], newcomer, team, IP)
    assert sent.detail == {"invitation": invitation.pk, "role": "expert"}
    client.post(f"/teams/{team.slug}/invitations/{invitation.pk}/revoke/", REMOTE_ADDR=IP)
    assert only("invitation.revoked").subject == newcomer


def test_an_accepted_invitation_is_recorded_for_the_joiner(client, people, team):
    newcomer = make_user("newcomer")
    signed_in(client, people["lead"]).post(f"/teams/{team.slug}/members/invite/",
                                           {"people": newcomer.pk, "role": "expert"})
    invitation = Invitation.objects.get(team=team)
    signed_in(client, newcomer).post(f"/my/invitations/{invitation.pk}/answer/", {"decision": "accept"},
                                     REMOTE_ADDR=IP)
    accepted = only("invitation.accepted")
    assert (accepted.actor, accepted.subject, accepted.address) == (newcomer, newcomer, IP)
    assert accepted.detail == {"role": "expert", "invitation": invitation.pk}


def test_an_event_naming_no_existing_person_is_audited_without_one_and_the_change_stands(people, team):
    with transaction.atomic():
        event = events.record(team, "member.removed", people["lead"], {"user": 10**12, "role": "expert"})
    assert Event.objects.filter(pk=event.pk).exists()
    audited = AuditEntry.objects.get(seq=event.seq, team=team)
    assert (audited.kind, audited.subject, audited.detail) == ("member.removed", None, {"role": "expert"})


def test_unaudited_team_events_make_no_entry(people, team):
    before, last_seq = AuditEntry.objects.count(), team.last_seq
    _a_card(people, team)
    assert Event.objects.filter(team=team, seq__gt=last_seq, kind="card.created").exists()
    assert AuditEntry.objects.count() == before


# Reports ---------------------------------------------------------------------------------------------------

def test_report_request_and_download(client, people, team):
    signed_in(client, people["lead"]).post("/reports/", {"format": "csv", "team": team.slug}, REMOTE_ADDR=IP)
    export = ReportExport.objects.get()
    requested = only("report.requested")
    assert (requested.actor, requested.team, requested.address, requested.detail) == (
        people["lead"], team, IP, {"export": export.pk, "format": "csv"})
    reports.build_report(export.pk)  # the worker's job body
    assert client.get(f"/reports/{export.pk}/download/", REMOTE_ADDR=IP).status_code == 200
    downloaded = only("report.downloaded")
    assert (downloaded.actor, downloaded.team, downloaded.address) == (people["lead"], team, IP)
    client.force_login(people["outsider"])
    assert client.get(f"/reports/{export.pk}/download/").status_code == 404
    assert AuditEntry.objects.filter(kind="report.downloaded").count() == 1


# The socket ----------------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
async def test_a_command_over_the_socket_carries_the_clients_address(people, team):
    card = await database_sync_to_async(_a_card)(people, team)
    socket = await connect(people["expert"], team, client=("192.0.2.44", 50000))
    try:
        ack = await request(socket, {"type": "card.archive", "id": "a1", "card": card.pk, "version": card.version})
        assert ack["type"] == "ack", ack
    finally:
        await socket.disconnect()
    archived = await database_sync_to_async(lambda: only("card.archived"))()
    assert (archived.actor_id, archived.team_id, archived.seq, archived.address) == (
        people["expert"].pk, team.pk, ack["seq"], "192.0.2.44")
    assert archived.detail == {"card": card.pk, "column": card.column_id}


def _a_card(people, team):
    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    event = create_card(people["expert"], team, column=column, title="Ein Titel")
    return Card.objects.get(pk=event.data["card"])


@pytest.mark.django_db
def test_an_erasure_and_a_notice_change_are_told_with_their_choices_in_the_readers_language():
    erased = AuditEntry(kind="person.erased", detail={"messages": "anonymise", "uploads": "keep", "number": 7})
    changed = AuditEntry(kind="notice.changed", detail={"notice": "privacy", "version": 2})
    with translation.override("de"):
        said = describe(erased), describe(changed)
    assert said == ("Person gelöscht (Nachrichten: Behalten, unter dem anonymisierten Konto; Dateien: "
                    "Dateien behalten, unter dem anonymisierten Konto; ehemaliges Mitglied Nr.: 7)",
                    "Hinweis geändert (Hinweis: Datenschutzhinweise; Version: 2)")
