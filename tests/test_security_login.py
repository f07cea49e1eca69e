"""Login throttling (django-axes): guessing a password is stopped after 5 failures per username + IP."""
import pytest
from django.urls import reverse

from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sixth_attempt_refused_even_with_the_right_password(client):
    make_user("anna")
    for _ in range(4):
        response = attempt(client, "anna", "wrong")
        assert response.status_code == 200  # the ordinary "wrong password" form
        assert "Too many failed login attempts" not in response.content.decode()
    response = attempt(client, "anna", "wrong")  # the 5th failure locks the pair out and says so
    assert response.status_code == 429
    response = attempt(client, "anna", "pw")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Too many failed login attempts" in page
    assert 'name="username"' in page  # still the login page, with the message


def test_lockout_message_is_translated(client):
    make_user("anna")
    for _ in range(6):
        response = client.post(reverse("login"), {"username": "anna", "password": "wrong"},
                               REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 429
    assert response.headers["Content-Language"] == "de"


def test_other_user_and_other_address_unaffected(client):
    make_user("anna")
    make_user("bert")
    for _ in range(6):
        attempt(client, "anna", "wrong")
    assert attempt(client, "bert", "pw").status_code == 302  # another user from the same address
    client.logout()
    assert attempt(client, "anna", "pw", ip="10.0.0.2").status_code == 302  # same user, another address


def test_four_failures_then_success_resets_the_count(client):
    make_user("anna")
    for _ in range(4):
        attempt(client, "anna", "wrong")
    assert attempt(client, "anna", "pw").status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "anna", "wrong")
    assert attempt(client, "anna", "pw").status_code == 302


def test_force_login_and_client_login_still_work_in_tests(client):
    user = make_user("anna")
    assert client.login(username="anna", password="pw")
    client.logout()
    client.force_login(user)
    assert client.get(reverse("teams:my_teams")).status_code == 200
