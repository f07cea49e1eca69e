"""One delivery over HTTP: the signed request and what came back (docs/webhooks.md).

The body is the event as JSON, `{"id", "team", "seq", "event", "data", "at"}`; the headers `Webhook-Id` (the
same for every attempt of an event: the receiver's key to drop a repeat), `Webhook-Timestamp` (Unix seconds)
and `Webhook-Signature: v1=<hex HMAC-SHA256 of f"{timestamp}.{body}" with the endpoint's secret>`.
http.client, not urllib: it follows no redirect, and its connection goes through addresses.guarded_connect.
"""
import dataclasses
import hashlib
import hmac
import http.client
import json
import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings

from teams.models import Event, Team

from .addresses import guarded_connect

RESPONSE_KEPT = 2048  # bytes of the receiver's answer kept with the delivery
USER_AGENT = "HealthCapital-Webhooks/1"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def timeout() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10))


def event_id(event: Event) -> str:
    return f"{event.team_id}-{event.seq}"


def body_of(event: Event, team: Team) -> bytes:
    return json.dumps({"id": event_id(event), "team": team.slug, "seq": event.seq, "event": event.kind,
                       "data": event.data, "at": event.created_at.isoformat()},
                      separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return "v1=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


@dataclasses.dataclass
class Answer:
    ok: bool
    status: int | None = None
    response: str = ""
    error: str = ""
    duration_ms: int = 0


def post(url: str, secret: str, event: Event, team: Team) -> Answer:
    """POST the event; 2xx is success, anything else (another status, a timeout, no connection) a failure."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    port = parts.port or (443 if parts.scheme == "https" else 80)  # explicit: http.client misreads "::1" alone
    connection = connection_class(parts.hostname or "", port, timeout=timeout())
    # http.client opens its socket through this attribute: here: only to an address checked just now.
    connection._create_connection = guarded_connect  # type: ignore[attr-defined]
    body = body_of(event, team)
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, "Webhook-Id": event_id(event),
               "Webhook-Timestamp": str(timestamp), "Webhook-Signature": signature(secret, timestamp, body)}
    started = time.monotonic()
    try:
        connection.request("POST", path, body=body, headers=headers)
        reply = connection.getresponse()
        kept = reply.read(RESPONSE_KEPT).decode("utf-8", "replace").replace("\x00", "")  # PostgreSQL refuses NUL
        return Answer(ok=200 <= reply.status < 300, status=reply.status, response=kept,
                      duration_ms=_since(started))
    except (OSError, http.client.HTTPException) as error:  # timeouts and refused connections are OSErrors
        return Answer(ok=False, error=(str(error) or type(error).__name__)[:300], duration_ms=_since(started))
    finally:
        connection.close()


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
