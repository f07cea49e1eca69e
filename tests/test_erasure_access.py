"""Who may erase (teams/erasure/services.check_may_erase, the one place): role × action over the service and over
HTTP, the rules beyond roles (not themself, never the last active cluster manager, an administrator only by an
administrator, nobody twice), bad input that writes nothing, the confirmation page in both languages, and the
socket of the erased person closed with 4401 while the team's open pages learn the new name."""
import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from realtime.sessions import CLOSE_SIGNED_OUT
from teams.erasure.models import Erasure
from teams.erasure.services import erase_person
from teams.membership import enrol_member
from teams.models import ClusterRole, Membership
from tests.conftest import make_user
from tests.matrix import ROLES, VISITORS
from tests.test_realtime_sessions import logged_in
from tests.ws_client import closed_with, connect, next_event, open_socket

ERASE = {"messages": "anonymise", "uploads": "keep", "confirm": "Target Tester"}


def nothing_written(person):
    person.refresh_from_db()
    return not Erasure.objects.exists() and person.is_active and person.username == "target"


@pytest.mark.parametrize("role", ROLES)
def test_only_cluster_management_erases(people, role):
    target = make_user("target")
    if role == "manager":
        assert erase_person(people[role], target, messages="delete", uploads="delete").person == target
    else:
        with pytest.raises(PermissionDenied):
            erase_person(people[role], target, messages="delete", uploads="delete")
        assert nothing_written(target)


@pytest.mark.parametrize("role", VISITORS)
def test_the_page_and_its_post_are_for_cluster_management_only(people, role):
    target = make_user("target")
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    url = f"/account/people/{target.pk}/erase/"
    page, post = client.get(url), client.post(url, ERASE)
    if role == "manager":
        assert page.status_code == 200 and "Target Tester" in page.content.decode()
        assert post.status_code == 302 and Erasure.objects.get().person == target
    else:
        expected = 302 if role == "anonymous" else 403  # the login page, or refused
        assert (page.status_code, post.status_code) == (expected, expected)
        assert nothing_written(target)


def test_the_rules_beyond_roles(people):
    manager = people["manager"]
    admin = make_user("admin", is_superuser=True)
    with pytest.raises(PermissionDenied):
        erase_person(manager, manager, messages="delete", uploads="delete")  # not themself
    with pytest.raises(PermissionDenied):
        erase_person(manager, admin, messages="delete", uploads="delete")  # an administrator: by one only
    with pytest.raises(ValidationError, match="last active cluster manager"):
        erase_person(admin, manager, messages="delete", uploads="delete")
    deactivated = people["lead"]
    User.objects.filter(pk=deactivated.pk).update(is_active=False)
    with pytest.raises(PermissionDenied):
        erase_person(deactivated, people["expert"], messages="delete", uploads="delete")  # no longer anyone
    second = make_user("second", ClusterRole.CLUSTER_MANAGEMENT)
    assert erase_person(second, manager, messages="delete", uploads="delete")  # now not the last
    with pytest.raises(ValidationError, match="erased already"):
        erase_person(second, manager, messages="delete", uploads="delete")
    assert Erasure.objects.count() == 1
    assert not Group.objects.get(name=ClusterRole.CLUSTER_MANAGEMENT).user_set.filter(pk=manager.pk).exists()


@pytest.mark.parametrize("messages,uploads", [("bogus", "keep"), ("delete", "everything"), (["delete"], "keep"),
                                              (None, "keep"), ("delete", "\ud800"), ("delete" * 10_000, "keep")])
def test_a_bad_choice_writes_nothing(people, messages, uploads):
    target = make_user("target")
    with pytest.raises(ValidationError):
        erase_person(people["manager"], target, messages=messages, uploads=uploads)
    assert nothing_written(target)


@pytest.mark.parametrize("data", [{**ERASE, "confirm": "Someone Else"}, {**ERASE, "confirm": "Target\x00 Tester"},
                                  {**ERASE, "confirm": "x" * 100_000}, {**ERASE, "messages": "maybe"},
                                  {"confirm": "Target Tester"}, {}])
def test_the_page_refuses_a_wrong_name_or_choice_and_writes_nothing(people, data):
    target = make_user("target")
    client = Client()
    client.force_login(people["manager"])
    response = client.post(f"/account/people/{target.pk}/erase/", data)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert nothing_written(target)


def test_the_page_in_german_and_the_refusals_it_explains(people):
    target = make_user("target")
    client = Client()
    client.force_login(people["manager"])
    client.cookies["django_language"] = "de"
    german = client.get(f"/account/people/{target.pk}/erase/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Person löschen" in german and "Ehemaliges Mitglied" not in german
    client.post(f"/account/people/{target.pk}/erase/", ERASE)
    again = client.get(f"/account/people/{target.pk}/erase/")
    assert again.status_code == 409 and "bereits gelöscht" in again.content.decode()
    assert client.get("/account/people/999999999999999999999/erase/").status_code == 404


def test_the_accounts_list_offers_erase_once(people):
    target = make_user("target")
    client = Client()
    client.force_login(people["manager"])
    link = f"/account/people/{target.pk}/erase/"
    assert link in client.get("/account/people/").content.decode()
    erase_person(people["manager"], target, messages="anonymise", uploads="keep")
    assert link not in client.get("/account/people/").content.decode()


@pytest.mark.django_db(transaction=True)
async def test_the_erased_persons_sockets_close_with_4401_and_the_team_sees_the_new_name(people, team):
    target = await database_sync_to_async(make_user)("target")
    await database_sync_to_async(enrol_member)(people["manager"], team, user=target, role=Membership.Role.EXPERT)
    _client, cookie = await database_sync_to_async(logged_in)(target)
    socket = await connect(target, team, cookie=cookie)
    connected, bell = await open_socket(None, path="/ws/me/", cookie=cookie)
    assert connected
    other = await connect(people["lead"], team)
    try:
        erasure = await database_sync_to_async(erase_person)(people["manager"], target, messages="delete",
                                                             uploads="delete")
        assert await closed_with(socket) == CLOSE_SIGNED_OUT
        assert await closed_with(bell) == CLOSE_SIGNED_OUT
        event = await next_event(other, "member.anonymised")
        assert event["data"] == {"user": target.pk, "name": f"Former member {erasure.pk}",
                                 "username": f"former-member-{erasure.pk}"}
    finally:
        await socket.disconnect()
        await bell.disconnect()
        await other.disconnect()
