"""Personal access tokens: made on the account page (shown once, stored as a SHA-256 digest), read or write
scope, expiry, revocation, last use, a deactivated owner; each made and revoked token in the audit trail."""
import datetime
import hashlib
import re

import pytest
from django.utils import timezone

from teams.api.models import ApiToken
from teams.audit.models import AuditEntry
from tests.api_helpers import call, problem, token_for

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"hc_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


def test_made_on_the_account_page_shown_once_and_stored_hashed(client, people):
    client.force_login(people["expert"])
    response = client.post("/account/tokens/", {"name": "Outlook sync", "scope": "read", "days": "90"})
    assert response.status_code == 200
    shown = TOKEN.findall(response.content.decode())
    assert len(shown) == 1
    token = ApiToken.objects.get(owner=people["expert"])
    assert token.digest == hashlib.sha256(shown[0].encode()).hexdigest()
    assert shown[0] not in str(list(ApiToken.objects.values()))  # only its digest is stored
    assert token.scope == "read" and token.name == "Outlook sync"
    assert datetime.timedelta(days=89) < token.expires_at - timezone.now() <= datetime.timedelta(days=90)
    again = client.get("/account/").content.decode()
    assert shown[0] not in again and f"hc_{token.prefix}_" in again and "Outlook sync" in again
    assert AuditEntry.objects.filter(kind="token.created", actor=people["expert"]).count() == 1


def test_the_form_refuses_bad_input_and_makes_nothing(client, people):
    client.force_login(people["expert"])
    for data in ({"name": "", "scope": "read", "days": "90"}, {"name": "x", "scope": "admin", "days": "90"},
                 {"name": "x", "scope": "read", "days": "9999"}, {"name": "a\u202eb", "scope": "read", "days": "30"}):
        assert client.post("/account/tokens/", data).status_code == 400
    assert not ApiToken.objects.exists()


def test_a_token_authenticates_and_records_its_last_use(client, people):
    text = token_for(people["expert"], "read")
    response = call(client, "get", "/api/v1/teams/", text)
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("case", ["unknown", "expired", "revoked", "deactivated", "malformed", "none"])
def test_unusable_tokens_get_a_401_problem(client, people, case):
    text = token_for(people["expert"], "write")
    token = ApiToken.objects.get()
    if case == "unknown":
        text = text[:-4] + "AAAA"
    elif case == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif case == "revoked":
        client.force_login(people["expert"])
        assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
        client.logout()
        assert AuditEntry.objects.filter(kind="token.revoked").count() == 1
    elif case == "deactivated":
        people["expert"].is_active = False
        people["expert"].save()
    elif case == "malformed":
        text = "two words"
    response = call(client, "get", "/api/v1/teams/", None if case == "none" else text)
    assert response.status_code == 401
    assert problem(response)["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_only_the_owner_revokes(client, people):
    token_for(people["expert"])
    token = ApiToken.objects.get()
    client.force_login(people["lead"])
    client.post(f"/account/tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get().revoked_at is None
    assert not AuditEntry.objects.filter(kind="token.revoked").exists()


def test_a_read_token_reads_but_does_not_write(client, people, team):
    read = token_for(people["expert"], "read")
    assert call(client, "get", f"/api/v1/teams/{team.slug}/cards/", read).status_code == 200
    column = call(client, "get", f"/api/v1/teams/{team.slug}/columns/", read).json()["results"][0]["id"]
    response = call(client, "post", f"/api/v1/teams/{team.slug}/cards/", read, {"title": "x", "column": column})
    assert response.status_code == 403 and problem(response)["code"] == "forbidden"
    write = token_for(people["expert"], "write")
    response = call(client, "post", f"/api/v1/teams/{team.slug}/cards/", write, {"title": "x", "column": column})
    assert response.status_code == 201, response.content


def test_the_session_works_for_the_sites_pages_with_csrf(people):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["expert"])
    assert browser.get("/api/v1/teams/").status_code == 200
    response = browser.post("/api/v1/notifications/read/", "{}", content_type="application/json")
    assert response.status_code == 403 and "CSRF" in problem(response)["detail"]
