"""Outgoing webhooks end to end: the services, a real Celery worker (in this process, on kombu's in-memory
broker) and a real HTTP receiver on 127.0.0.1. Both engines (file SQLite; PostgreSQL with DATABASE_URL)."""
import datetime
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from teams.audit.models import AuditEntry
from teams.board.cards import create_card
from teams.board.models import Column
from teams.discussion.posting import post_message
from teams.notify.models import Kind, Notification
from teams.notify.services import send_digests
from teams.webhooks import delivery, services
from teams.webhooks.models import Delivery, Endpoint
from teams.webhooks.queueing import forget_kinds
from tests.discussion_helpers import general
from tests.mail_server import text_of
from tests.webhook_helpers import Receiver, celery_worker, eventually

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def webhook_settings(settings):
    settings.WEBHOOKS_ALLOW_HTTP = True  # the receiver is on loopback, over http
    settings.WEBHOOK_RETRY_SECONDS = 0.1
    settings.WEBHOOK_RETRY_MAX_SECONDS = 0.5
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    return settings


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def webhook_worker(transactional_db, webhook_settings):
    with celery_worker() as app:
        yield app


def subscribe(people, team, receiver, kinds=("card.created",)):
    return services.create_endpoint(people["lead"], team, url=receiver.url, kinds=list(kinds))


def add_cards(people, team, *titles):
    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    return [create_card(people["expert"], team, column=column, title=title) for title in titles]


def payloads(receiver):
    return [json.loads(body) for _headers, body in receiver.requests]


def test_events_are_delivered_signed_and_in_seq_order(people, team, receiver, webhook_worker):
    endpoint, secret = subscribe(people, team, receiver)
    recorded = add_cards(people, team, "First", "Second", "Third")
    eventually(lambda: receiver.count() >= 3, what="three deliveries")
    eventually(lambda: Endpoint.objects.get(pk=endpoint.pk).cursor == recorded[-1].seq, what="the cursor")

    assert [p["seq"] for p in payloads(receiver)] == [event.seq for event in recorded]
    assert [p["data"]["title"] for p in payloads(receiver)] == ["First", "Second", "Third"]
    for (headers, body), event in zip(receiver.requests, recorded):
        payload = json.loads(body)
        assert payload["id"] == headers["Webhook-Id"] == f"{team.pk}-{event.seq}"
        assert (payload["team"], payload["event"]) == (team.slug, "card.created")
        assert set(payload) == {"id", "team", "seq", "event", "data", "at"}
        timestamp = headers["Webhook-Timestamp"]
        expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        assert headers["Webhook-Signature"] == f"v1={expected}"
        assert not hmac.compare_digest(headers["Webhook-Signature"], "v1=" + hmac.new(
            b"another secret", f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest())
    kept = list(Delivery.objects.filter(endpoint=endpoint).order_by("seq"))
    assert [(d.seq, d.ok, d.status, d.attempt, d.response) for d in kept] == [
        (event.seq, True, 200, 1, "taken") for event in recorded]
    assert receiver.count() == 3  # nothing twice


def test_a_500_is_retried_and_the_later_events_wait_for_it(people, team, receiver, webhook_worker):
    endpoint, _secret = subscribe(people, team, receiver)
    receiver.script = [500]
    recorded = add_cards(people, team, "First", "Second", "Third")
    eventually(lambda: Endpoint.objects.get(pk=endpoint.pk).cursor == recorded[-1].seq, what="all delivered")

    first, second, third = (event.seq for event in recorded)
    assert [p["seq"] for p in payloads(receiver)] == [first, first, second, third]
    assert receiver.requests[0][0]["Webhook-Id"] == receiver.requests[1][0]["Webhook-Id"]
    attempts = [(d.seq, d.attempt, d.ok, d.status) for d in Delivery.objects.filter(endpoint=endpoint)
                .order_by("seq", "attempt")]
    assert attempts == [(first, 1, False, 500), (first, 2, True, 200), (second, 1, True, 200),
                        (third, 1, True, 200)]
    assert Endpoint.objects.get(pk=endpoint.pk).failures == 0


def test_repeated_failures_switch_the_endpoint_off_and_tell_the_leads(people, team, receiver, webhook_worker,
                                                                     webhook_settings, smtp_inbox):
    webhook_settings.WEBHOOK_MAX_FAILURES = 3
    endpoint, _secret = subscribe(people, team, receiver)
    receiver.script = [500, 503, 500]
    add_cards(people, team, "Doomed")
    eventually(lambda: not Endpoint.objects.get(pk=endpoint.pk).active, what="the endpoint switched off")

    assert receiver.count() == 3
    told = Notification.objects.filter(kind=Kind.WEBHOOK_DISABLED)
    assert list(told.values_list("recipient__username", flat=True)) == ["lead"]
    assert told.get().url == f"/teams/{team.slug}/webhooks/"
    entry = AuditEntry.objects.get(kind="webhook.disabled")
    assert entry.team_id == team.pk and entry.actor is None and entry.detail["failures"] == 3
    assert send_digests() >= 1  # the lead's mail (their preference: the daily digest)
    assert "webhook" in text_of(smtp_inbox.wait_for(people["lead"].email))
    add_cards(people, team, "After")  # switched off: nothing more is sent
    assert receiver.count() == 3


def test_other_teams_and_other_kinds_are_never_sent(people, team, make_team, receiver, webhook_worker):
    subscribe(people, team, receiver, kinds=["card.created"])
    other = make_team(name="Other Team")
    add_cards(people, other, "Other team's card")
    post_message(people["expert"], team, channel=general(team), body="A kind this endpoint does not want")
    marker, = add_cards(people, team, "Marker")
    eventually(lambda: receiver.count() >= 1, what="the marker's delivery")
    eventually(lambda: Endpoint.objects.get(team=team).cursor == marker.seq, what="the cursor")
    assert [(p["team"], p["event"], p["data"]["title"]) for p in payloads(receiver)] == [
        (team.slug, "card.created", "Marker")]


def test_the_sweep_delivers_what_a_lost_message_left_behind(people, team, receiver, webhook_worker):
    endpoint, _secret = subscribe(people, team, receiver)
    first, = add_cards(people, team, "First")
    eventually(lambda: Endpoint.objects.filter(pk=endpoint.pk, cursor=first.seq, lease_until=None).exists(),
               what="the first delivery, done")
    Endpoint.objects.filter(pk=endpoint.pk).update(cursor=first.seq - 1)  # as if the message had been lost
    assert delivery.pending().filter(pk=endpoint.pk).exists()
    webhook_worker.send_task("webhooks.sweep")
    eventually(lambda: receiver.count() == 2, what="the sweep's delivery")
    assert payloads(receiver)[1]["seq"] == first.seq


def test_the_job_is_idempotent(people, team, receiver, webhook_settings):
    """The job function itself (no worker: the queueing goes to the test app nobody consumes)."""
    with celery_worker():  # a worker, so nothing queued lands in a broker outside the test
        endpoint, _secret = subscribe(people, team, receiver)
        add_cards(people, team, "Once")
        eventually(lambda: Endpoint.objects.get(pk=endpoint.pk).cursor == team.events.latest("seq").seq,
                   what="the delivery")
    for _ in range(2):
        assert delivery.deliver_team(team.pk) == 0
    assert delivery.sweep() == 0
    assert receiver.count() == 1


def test_deliveries_are_kept_fourteen_days(people, team, receiver, webhook_settings):
    endpoint = Endpoint.objects.create(team=team, url=receiver.url, kinds=["card.created"], secret="s")
    now = timezone.now()
    for days, seq in ((15, 1), (13, 2)):
        Delivery.objects.create(endpoint=endpoint, seq=seq, kind="card.created", attempt=1, ok=True,
                                at=now - datetime.timedelta(days=days))
    assert delivery.prune(now) == 1
    assert list(Delivery.objects.values_list("seq", flat=True)) == [2]


def test_a_receiver_that_became_private_is_not_contacted(people, team, receiver, webhook_worker, webhook_settings):
    endpoint, _secret = subscribe(people, team, receiver)
    webhook_settings.WEBHOOKS_ALLOW_HTTP = False  # production: loopback is refused at every connection
    add_cards(people, team, "Kept in")
    eventually(lambda: Delivery.objects.filter(endpoint=endpoint).exists(), what="the attempt")
    refused = Delivery.objects.filter(endpoint=endpoint).first()
    assert not refused.ok and refused.status is None and "private" in refused.error
    assert receiver.count() == 0


def test_a_backlog_longer_than_a_batch_goes_on_in_fresh_jobs(people, team, receiver, webhook_worker, monkeypatch):
    monkeypatch.setattr(delivery, "BATCH", 2)
    endpoint, _secret = subscribe(people, team, receiver)
    Endpoint.objects.filter(pk=endpoint.pk).update(active=False)  # so that recording queues no job at all
    forget_kinds(team.pk)
    recorded = add_cards(people, team, *(f"Card {n}" for n in range(5)))
    Endpoint.objects.filter(pk=endpoint.pk).update(active=True)
    webhook_worker.send_task("webhooks.deliver_team", args=[team.pk])  # one job: 2, then fresh jobs for the rest
    eventually(lambda: Endpoint.objects.get(pk=endpoint.pk).cursor == recorded[-1].seq, what="all five delivered")
    assert [p["seq"] for p in payloads(receiver)] == [event.seq for event in recorded]
