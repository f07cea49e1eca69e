"""Webhook settings over HTTP: who may (role × action), what the pages show (secret once, German), bad input
and the SSRF guard (nothing written), and constant queries on the delivery log."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from teams import events
from teams.audit.models import AuditEntry
from teams.models import Event
from teams.webhooks import addresses, services
from teams.webhooks.kinds import KINDS
from teams.webhooks.models import Delivery, Endpoint
from teams.webhooks.queueing import wanted_kinds
from tests.foundation_helpers import assert_refused, db_state
from tests.matrix import ROLES, VISITORS
from tests.queries import assert_constant, statements
from tests.test_activity import recordable_kinds

pytestmark = pytest.mark.django_db

RECEIVER = "https://93.184.215.14/hooks"  # a public address (an IP: no DNS needed in the tests)
ACTIONS = ["see_webhooks", "add", "switch_off", "switch_on", "remove", "see_deliveries"]
# Leads and cluster management only: a webhook sends the team's content out of the workspace (docs/webhooks.md).
MANAGERS = {"lead", "manager"}


def make_endpoint(people, team, active=True):
    endpoint, secret = services.create_endpoint(people["lead"], team, url=RECEIVER, kinds=["card.created"])
    if not active:
        services.disable_endpoint(people["lead"], endpoint)
    return endpoint, secret


def run(client, team, action, endpoint, off):
    base = f"/teams/{team.slug}/webhooks/"
    if action == "see_webhooks":
        response = client.get(base)
        return response, lambda: response.status_code == 200 and RECEIVER in response.content.decode()
    if action == "add":
        response = client.post(base, {"url": "https://93.184.215.15/new", "kinds": ["message.posted"]})
        return response, lambda: Endpoint.objects.filter(url="https://93.184.215.15/new").exists()
    if action == "switch_off":
        response = client.post(f"{base}{endpoint.pk}/disable/")
        return response, lambda: not Endpoint.objects.get(pk=endpoint.pk).active
    if action == "switch_on":
        response = client.post(f"{base}{off.pk}/enable/")
        return response, lambda: Endpoint.objects.get(pk=off.pk).active
    if action == "remove":
        response = client.post(f"{base}{endpoint.pk}/delete/")
        return response, lambda: not Endpoint.objects.filter(pk=endpoint.pk).exists()
    if action == "see_deliveries":
        response = client.get(f"{base}{endpoint.pk}/")
        return response, lambda: response.status_code == 200 and "answer from the receiver" in response.content.decode()
    raise AssertionError(action)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", VISITORS)
def test_role_webhook_action(client, people, team, role, action):
    endpoint, secret = make_endpoint(people, team)
    off, _ = make_endpoint(people, team, active=False)
    Delivery.objects.create(endpoint=endpoint, seq=1, kind="card.created", attempt=1, ok=True, status=200,
                            response="answer from the receiver")
    if role != "anonymous":
        client.force_login(people[role])
    before, events = db_state(), Event.objects.count()
    response, written = run(client, team, action, endpoint, off)
    if role in MANAGERS:
        assert response.status_code in (200, 302), response.content[:500]
        assert written(), f"{role} may {action}, but nothing happened"
        if not action.startswith("see"):
            assert Event.objects.count() > events, "every change is in the event log"
    else:
        assert_refused(response, role)
        assert not written(), f"{role} must not {action}"
        assert db_state() == before
    assert secret not in response.content.decode()  # the secret is shown once, at creation, and never again


@pytest.mark.parametrize("role", ROLES)
def test_the_services_ask_the_same_rule(people, team, role):
    if role in MANAGERS:
        assert services.create_endpoint(people[role], team, url=RECEIVER, kinds=["card.created"])
        return
    with pytest.raises(PermissionDenied):
        services.create_endpoint(people[role], team, url=RECEIVER, kinds=["card.created"])
    assert not Endpoint.objects.exists()


def test_adding_shows_the_secret_once_and_audits(client, people, team):
    client.force_login(people["lead"])
    response = client.post(f"/teams/{team.slug}/webhooks/", {"url": RECEIVER, "kinds": ["card.created",
                                                                                          "message.posted"]})
    endpoint = Endpoint.objects.get()
    assert response.status_code == 200 and endpoint.secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert endpoint.secret not in client.get(f"/teams/{team.slug}/webhooks/").content.decode()
    assert endpoint.kinds == ["card.created", "message.posted"]
    assert endpoint.cursor == team.events.get(kind="webhook.created").seq - 1
    entry = AuditEntry.objects.get(kind="webhook.created")
    assert entry.actor == people["lead"] and entry.team == team and RECEIVER not in str(entry.detail)
    assert RECEIVER not in str(Event.objects.get(kind="webhook.created").data)  # members read the log


def test_the_page_speaks_german(client, people, team):
    make_endpoint(people, team)
    client.force_login(people["lead"])
    page = client.get(f"/teams/{team.slug}/webhooks/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Webhook hinzufügen" in page and "Ausschalten" in page and "Add a webhook" not in page
    assert "Reviews und Ergebnisse" in page  # a group of event kinds


@pytest.mark.parametrize("url, why", [
    ("http://93.184.215.14/hooks", "https://"),
    ("https://10.1.2.3/hooks", "private"),
    ("https://192.168.0.10/hooks", "private"),
    ("https://127.0.0.1/hooks", "private"),
    ("https://[::1]/hooks", "private"),
    ("https://[::ffff:10.0.0.1]/hooks", "private"),
    ("https://169.254.169.254/latest/meta-data", "private"),
    ("https://100.64.0.1/hooks", "private"),
    ("https://0.0.0.0/hooks", "private"),
    ("https://224.0.0.1/hooks", "private"),
    ("https://localhost/hooks", "private"),
    ("https://user:pw@93.184.215.14/hooks", "user name"),
    ("ftp://93.184.215.14/hooks", "valid URL"),
    ("https://no-such-host.invalid/hooks", "could not be found"),
    ("https://93.184.215.14/" + "x" * 600, "at most"),
    ("", "required"),
])
def test_receivers_that_are_not_public_https_are_refused(client, people, team, settings, url, why):
    settings.WEBHOOKS_ALLOW_HTTP = False  # production
    client.force_login(people["lead"])
    before = db_state()
    response = client.post(f"/teams/{team.slug}/webhooks/", {"url": url, "kinds": ["card.created"]})
    assert response.status_code == 400 and why in response.content.decode()
    assert db_state() == before and not Endpoint.objects.exists()


def test_http_is_for_loopback_only_even_when_allowed(settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    assert addresses.check_url("http://127.0.0.1:8001/hooks") == "http://127.0.0.1:8001/hooks"
    for url in ("http://93.184.215.14/hooks", "https://10.0.0.1/hooks"):
        with pytest.raises(ValidationError):
            addresses.check_url(url)


@pytest.mark.parametrize("url", ["https://93.184.215.14/\ud800", "https://93.184.215.14/\x00", ["https://a.org"],
                                 {"url": 1}, 7, None, "https://93.184.215.14/\u202e"])
def test_hostile_urls_are_refused_by_the_service(people, team, url):
    with pytest.raises(ValidationError):
        services.create_endpoint(people["lead"], team, url=url, kinds=["card.created"])
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("kinds", [[], ["message.read"], ["webhook.disabled"], ["no.such"], ["card.created", 7],
                                   "card.created"])
def test_kinds_must_be_chosen_from_the_list(people, team, kinds):
    with pytest.raises(ValidationError):
        services.create_endpoint(people["lead"], team, url=RECEIVER, kinds=kinds)
    assert not Endpoint.objects.exists()


def test_the_delivery_log_runs_constant_queries(client, people, team):
    endpoint, _secret = make_endpoint(people, team)
    client.force_login(people["lead"])
    url = f"/teams/{team.slug}/webhooks/{endpoint.pk}/"

    def grow(count):
        start = Delivery.objects.count()
        Delivery.objects.bulk_create(Delivery(endpoint=endpoint, seq=start + n, kind="card.created", attempt=1,
                                              ok=n % 2 == 0, status=200 if n % 2 == 0 else None, error="timed out",
                                              response="<b>ok</b>") for n in range(count))
        response, sql = statements(lambda: client.get(url))
        assert response.status_code == 200 and "&lt;b&gt;ok&lt;/b&gt;" in response.content.decode()
        return len(sql)

    assert_constant(grow(3), grow(300), budget=20, what="delivery log")
    list_url = f"/teams/{team.slug}/webhooks/"
    small = len(statements(lambda: client.get(list_url))[1])
    for _ in range(5):
        make_endpoint(people, team)
    assert_constant(small, len(statements(lambda: client.get(list_url))[1]), budget=20, what="webhook list")


def test_recording_costs_no_query_for_webhooks_once_the_kinds_are_cached(people, team, django_assert_num_queries,
                                                                         django_capture_on_commit_callbacks):
    assert wanted_kinds(team.pk) == frozenset()  # cached: none
    with django_capture_on_commit_callbacks(execute=True):
        services.create_endpoint(people["lead"], team, url=RECEIVER, kinds=["card.moved"])
    assert wanted_kinds(team.pk) == {"card.moved"}  # cached now, and forgotten by every change of an endpoint
    with transaction.atomic(), django_assert_num_queries(2):  # seq bump, insert: nothing for webhooks
        events.record(team, "card.moved", people["lead"], {"card": 1})
    with django_capture_on_commit_callbacks(execute=True):
        services.disable_endpoint(people["lead"], Endpoint.objects.get())
    assert wanted_kinds(team.pk) == frozenset()


def test_every_offered_kind_is_one_the_code_records():
    recorded = recordable_kinds() | {"team.concluded", "team.archived"}  # through services._change_status_only
    assert KINDS <= recorded, KINDS - recorded
