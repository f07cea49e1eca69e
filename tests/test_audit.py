"""The audit trail (teams/audit/): each kind recorded through the real views and services with actor, subject,
team, seq and address; no entry's detail holds a person's name or e-mail."""
import pytest
from django.urls import reverse

from teams.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def entries(kind):
    return list(AuditEntry.objects.filter(kind=kind).order_by("id"))


def test_login_and_logout_are_recorded_with_the_address(client, people):
    client.post(reverse("login"), {"username": "expert", "password": "pw"}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.4")
    [login], [logout] = entries("login"), entries("logout")
    assert (login.actor, login.subject, login.address) == (people["expert"], people["expert"], "10.1.2.3")
    assert (logout.actor, logout.subject, logout.address) == (people["expert"], people["expert"], "10.1.2.4")
