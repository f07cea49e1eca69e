"""Cluster management deactivates (and reactivates) a person from /account/people/, through one service
(teams.accounts.services.set_active): only cluster management, never themselves; a deactivated person is signed
out everywhere (sessions deleted, sockets closed), cannot log in and gets no mail."""
import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from realtime.sessions import CLOSE_SIGNED_OUT
from teams.accounts import services
from teams.notify import services as notify
from teams.notify.models import MailPreference
from teams.review import meetings as review_meetings
from tests.conftest import make_user
from tests.matrix import VISITORS, account_rule
from tests.queries import assert_constant, statements
from tests.ws_client import closed_with, connect, open_socket, session_cookie, until

User = get_user_model()


def is_active(user):
    return User.objects.get(pk=user.pk).is_active


@pytest.mark.django_db
@pytest.mark.parametrize("role", VISITORS)
def test_only_cluster_management_sees_the_list_and_deactivates(client, people, role):
    target = make_user("target")
    if role != "anonymous":
        client.force_login(people[role])
    listed = client.get("/account/people/")
    response = client.post(f"/account/people/{target.pk}/active/", {"active": "0"})
    if role == "anonymous":
        assert listed.status_code == 302 and response.status_code == 302
        assert response["Location"].startswith("/login/")
    elif account_rule(role, "deactivate"):
        assert listed.status_code == 200 and 'data-person="target"' in listed.content.decode()
        assert response.status_code == 302
    else:
        assert listed.status_code == 403 and response.status_code == 403
        assert "Only cluster management deactivates or reactivates people." in response.content.decode()
    assert is_active(target) == (role == "anonymous" or not account_rule(role, "deactivate"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", VISITORS)
def test_only_cluster_management_sees_a_deactivated_persons_entry_and_reactivates_there(client, people, role):
    gone = make_user("gone")
    services.set_active(people["manager"], gone, active=False)
    if role != "anonymous":
        client.force_login(people[role])
    response = client.get("/people/gone/")
    if role == "anonymous":
        assert response.status_code == 302
        return
    if not account_rule(role, "deactivate"):
        assert response.status_code == 404  # as for a person who does not exist
        return
    page = response.content.decode()
    assert response.status_code == 200 and "<h1>Gone Tester</h1>" in page and "deactivated" in page
    assert 'name="active" value="1"' in page and 'name="active" value="0"' not in page
    back = client.post(f"/account/people/{gone.pk}/active/", {"active": "1", "next": "/people/gone/"})
    assert back.status_code == 302 and back["Location"] == "/people/gone/" and is_active(gone)
    page = client.get("/people/gone/").content.decode()
    assert 'name="active" value="0"' in page and "Reactivate" not in page


@pytest.mark.django_db
def test_nobody_deactivates_themselves_and_only_an_administrator_an_administrator(client, people):
    manager = people["manager"]
    client.force_login(manager)
    page = client.get("/account/people/").content.decode()
    mine = page[page.index('data-person="manager"'):]
    assert "/active/" not in mine[:mine.index("</tr>")]  # no button on the own row
    response = client.post(f"/account/people/{manager.pk}/active/", {"active": "0"}, follow=True)
    assert "You cannot deactivate yourself." in response.content.decode()
    assert is_active(manager)
    root = make_user("root", is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        services.set_active(manager, root, active=False)
    assert is_active(root)
    assert services.set_active(root, manager, active=False) and not is_active(manager)


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"active": ""}, {"active": "2"}, {"active": "false"}, {"active": "\x00"},
                                  {"active": "0" * 10_000}, {"active": ["0", "1", "x"]}])
def test_a_bad_request_changes_nothing(client, people, data):
    target = make_user("target")
    client.force_login(people["manager"])
    response = client.post(f"/account/people/{target.pk}/active/", data, follow=True)
    assert response.status_code == 200 and "Say whether the person is to be active." in response.content.decode()
    assert is_active(target)


@pytest.mark.django_db
@pytest.mark.parametrize("active", [0, 1, "0", None, [True]])
def test_the_service_takes_only_a_boolean(people, active):
    target = make_user("target")
    with pytest.raises(ValidationError):
        services.set_active(people["manager"], target, active=active)
    assert is_active(target)


@pytest.mark.django_db
def test_unknown_and_huge_ids_are_404(client, people):
    client.force_login(people["manager"])
    for user_id in (999_999, 2**63, 10**30):
        assert client.post(f"/account/people/{user_id}/active/", {"active": "0"}).status_code == 404


@pytest.mark.django_db
def test_a_deactivated_person_is_signed_out_cannot_log_in_and_gets_no_mail(client, people, team, smtp_inbox):
    expert = people["expert"]
    for person in (expert, people["lead"]):
        MailPreference.objects.create(user=person, digest=False)
    signed_in = Client()
    signed_in.force_login(expert)
    assert signed_in.get("/my/").status_code == 200
    client.force_login(people["manager"])
    done = client.post(f"/account/people/{expert.pk}/active/", {"active": "0"}, follow=True)
    assert "Expert Tester is deactivated" in done.content.decode()

    assert signed_in.get("/my/")["Location"].startswith("/login/")
    login = Client().post("/login/", {"username": "expert", "password": "pw"})
    assert login.status_code == 200 and "Please enter a correct username and password" in login.content.decode()
    review_meetings.add_review_note(people["advisor"], team, body="For everyone")
    notify.send_single_mails()
    Client().post("/password/reset/", {"email": "expert@example.org"})
    smtp_inbox.wait_for("lead@example.org")  # the others' mail goes out...
    assert not smtp_inbox.to("expert@example.org")  # ...hers does not, nor a reset link

    client.post(f"/account/people/{expert.pk}/active/", {"active": "1"})
    assert is_active(expert)
    assert signed_in.get("/my/")["Location"].startswith("/login/")  # the old session stays ended
    assert Client().post("/login/", {"username": "expert", "password": "pw"}).status_code == 302


@pytest.mark.django_db
def test_only_the_persons_sessions_end(people):
    expert, lead = people["expert"], people["lead"]
    theirs, other = Client(), Client()
    theirs.force_login(expert)
    other.force_login(lead)
    services.set_active(people["manager"], expert, active=False)
    assert theirs.get("/my/").status_code == 302 and other.get("/my/").status_code == 200


@pytest.mark.django_db
def test_the_list_reads_in_constant_queries(client, people):
    client.force_login(people["manager"])

    def count():
        response, sql = statements(lambda: client.get("/account/people/"))
        assert response.status_code == 200
        return len(sql)

    small = count()
    for n in range(60):
        make_user(f"person{n}", "expert_panel")
    assert_constant(small, count(), budget=10, what="/account/people/")


@pytest.mark.django_db
def test_the_list_searches_and_pages(client, people):
    for n in range(55):
        make_user(f"bulk{n}")
    client.force_login(people["manager"])
    page = client.get("/account/people/?q=bulk").content.decode()
    assert page.count('data-person="bulk') == 50 and "Page 1 of 2" in page
    assert client.get("/account/people/?q=bulk&page=2").content.decode().count('data-person="bulk') == 5
    assert "Nobody found." in client.get("/account/people/?q=" + "z" * 5000).content.decode()
    german = client.get("/account/people/?q=anager", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<h1>Konten</h1>" in german and "Clustermanagement" in german and "Deaktivieren" in german


@pytest.mark.django_db(transaction=True)
async def test_deactivation_closes_the_persons_sockets_and_not_others(people, team):
    expert = people["expert"]
    cookie = await database_sync_to_async(session_cookie)(expert)
    socket = await connect(expert, team, cookie=cookie)
    connected, bell = await open_socket(None, path="/ws/me/", cookie=cookie)
    assert connected
    other = await connect(people["lead"], team)
    try:
        await database_sync_to_async(services.set_active)(people["manager"], expert, active=False)
        assert await closed_with(socket) == CLOSE_SIGNED_OUT
        assert await closed_with(bell) == CLOSE_SIGNED_OUT
        await other.send_json_to({"type": "ping", "id": "still"})
        assert (await until(other, lambda frame: frame["type"] == "pong"))["id"] == "still"
    finally:
        await socket.disconnect()
        await bell.disconnect()
        await other.disconnect()


@pytest.mark.django_db
@pytest.mark.parametrize("target, expected", [("/account/people/?q=ta&page=2", "/account/people/?q=ta&page=2"),
                                              ("0", "/account/people/"), ("https://evil.example/", "/account/people/"),
                                              ("//evil.example/x", "/account/people/"), ("", "/account/people/")])
def test_the_button_leads_back_to_the_list_and_nowhere_else(client, people, target, expected):
    target_user = make_user("target")
    client.force_login(people["manager"])
    response = client.post(f"/account/people/{target_user.pk}/active/", {"active": "0", "next": target})
    assert response.status_code == 302 and response["Location"] == expected


@pytest.mark.django_db
def test_an_administrators_row_has_no_button_for_cluster_management(client, people):
    make_user("root", is_superuser=True, is_staff=True)
    client.force_login(people["manager"])
    page = client.get("/account/people/?q=root").content.decode()
    row = page[page.index('data-person="root"'):]
    assert "/active/" not in row[:row.index("</tr>")]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "lead", "advisor", "field_manager"])
def test_a_persons_directory_entry_offers_cluster_management_the_deactivation(client, people, role):
    target = make_user("target")
    client.force_login(people[role])
    page = client.get("/people/target/").content.decode()
    assert ('data-deactivate' in page) == account_rule(role, "deactivate")
    assert "data-deactivate" not in client.get(f"/people/{people[role].username}/").content.decode()  # not oneself
    if account_rule(role, "deactivate"):
        response = client.post(f"/account/people/{target.pk}/active/", {"active": "0",
                                                                        "next": "/account/people/?q=target"})
        assert response["Location"] == "/account/people/?q=target" and not is_active(target)
        assert 'data-person="target"' not in client.get("/people/?q=target").content.decode()  # active people only
        assert 'value="1"' in client.get("/people/target/").content.decode()  # the entry offers reactivation
        listed = client.get("/account/people/?q=target").content.decode()
        assert "deactivated" in listed and 'value="1"' in listed  # reactivate from the accounts list


@pytest.mark.django_db
def test_the_account_page_links_the_professional_profile_and_for_cluster_management_the_accounts(client, people):
    client.force_login(people["expert"])
    page = client.get("/account/").content.decode()
    assert 'href="/people/me/edit/"' in page and 'href="/account/people/"' not in page
    client.force_login(people["manager"])
    assert 'href="/account/people/"' in client.get("/account/").content.decode()


def admin_change(client, person, **changes):
    data = {"username": person.username, "first_name": person.first_name, "last_name": person.last_name,
            "email": person.email, "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
            "is_active": "on", **changes}
    return client.post(f"/admin/auth/user/{person.pk}/change/", {k: v for k, v in data.items() if v is not None})


@pytest.mark.django_db
def test_deactivating_in_the_admin_goes_through_the_service_and_ends_the_sessions(client, people):
    root = make_user("root", is_staff=True, is_superuser=True)
    expert = people["expert"]
    theirs = Client()
    theirs.force_login(expert)
    client.force_login(root)
    response = admin_change(client, expert, is_active=None, first_name="Renamed")
    assert response.status_code == 302, response.content[:500]
    expert.refresh_from_db()
    assert not expert.is_active and expert.first_name == "Renamed"
    assert theirs.get("/my/").status_code == 302  # signed out at once, not only at the next socket ring
    response = admin_change(client, root, is_active=None, is_staff="on", is_superuser="on")
    assert is_active(root), "nobody deactivates themselves, the admin included"
    assert "You cannot deactivate yourself." in client.get(response["Location"]).content.decode()
