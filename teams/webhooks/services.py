"""Every write to a team's webhook endpoints (the contract of teams/services.py: lock the team, check the
permission, validate, write, record the team event; here also an audit entry).

Team events `webhook.created`, `webhook.deleted`, `webhook.enabled`, `webhook.disabled` carry the endpoint's id
(and kinds), never its URL or secret: every member reads the event log.
"""
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import events
from teams.audit import trail
from teams.models import Team
from teams.permissions import lock_team

from .addresses import check_url
from .kinds import KINDS
from .models import Endpoint
from .permissions import require_manage_webhooks
from .queueing import enqueue, forget_kinds
from .sending import new_secret

MAX_ENDPOINTS = 10  # per team


def _locked(actor: User, team: Team) -> Team:
    team = lock_team(team)
    require_manage_webhooks(actor, team)
    return team


def _kinds(kinds: Iterable[object]) -> list[str]:
    chosen = list(kinds) if isinstance(kinds, (list, tuple, set, frozenset)) else []
    if not chosen:
        raise ValidationError({"kinds": _("Choose at least one kind of event.")})
    if not all(isinstance(kind, str) and kind in KINDS for kind in chosen):
        raise ValidationError({"kinds": _("Unknown kind of event.")})
    return sorted({str(kind) for kind in chosen})


@transaction.atomic
def create_endpoint(actor: User, team: Team, *, url: str, kinds: Iterable[str]) -> tuple[Endpoint, str]:
    """A new endpoint receiving the team's events from now on. Returns it and its secret (shown once)."""
    team = _locked(actor, team)
    try:
        url = check_url(url)
    except ValidationError as error:
        raise ValidationError({"url": error.messages})
    chosen = _kinds(kinds)
    if Endpoint.objects.filter(team=team).count() >= MAX_ENDPOINTS:
        raise ValidationError(_("A team has at most %(max)d webhooks.") % {"max": MAX_ENDPOINTS})
    secret = new_secret()
    endpoint = Endpoint.objects.create(team=team, url=url, kinds=chosen, secret=secret, created_by=actor,
                                       cursor=team.last_seq)
    event = events.record(team, "webhook.created", actor, {"endpoint": endpoint.pk, "kinds": chosen})
    trail.record("webhook.created", actor=actor, team=team, seq=event.seq,
                 detail={"endpoint": endpoint.pk, "kinds": chosen})
    transaction.on_commit(lambda: forget_kinds(team.pk))
    return endpoint, secret


@transaction.atomic
def delete_endpoint(actor: User, endpoint: Endpoint) -> None:
    team = _locked(actor, endpoint.team)
    pk = endpoint.pk
    Endpoint.objects.filter(pk=pk).delete()  # its deliveries with it
    event = events.record(team, "webhook.deleted", actor, {"endpoint": pk})
    trail.record("webhook.deleted", actor=actor, team=team, seq=event.seq, detail={"endpoint": pk})
    transaction.on_commit(lambda: forget_kinds(team.pk))


@transaction.atomic
def enable_endpoint(actor: User, endpoint: Endpoint) -> Endpoint:
    """Switch a disabled endpoint on again: it goes on from the event it stopped at, with a clean slate."""
    team = _locked(actor, endpoint.team)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not endpoint.active:
        endpoint.active, endpoint.failures, endpoint.next_attempt_at, endpoint.disabled_at = True, 0, None, None
        endpoint.save(update_fields=["active", "failures", "next_attempt_at", "disabled_at"])
        event = events.record(team, "webhook.enabled", actor, {"endpoint": endpoint.pk})
        trail.record("webhook.enabled", actor=actor, team=team, seq=event.seq, detail={"endpoint": endpoint.pk})
        transaction.on_commit(lambda: forget_kinds(team.pk))
        transaction.on_commit(lambda: enqueue(team.pk))
    return endpoint


@transaction.atomic
def disable_endpoint(actor: User | None, endpoint: Endpoint) -> bool:
    """Switch an endpoint off: by a lead, or by the delivery job (actor None) after too many failures in a row,
    which tells the leads (teams/notify: the `webhook.disabled` event). False if it was off already."""
    team = lock_team(endpoint.team) if actor is None else _locked(actor, endpoint.team)
    switched = Endpoint.objects.filter(pk=endpoint.pk, active=True).update(active=False, disabled_at=timezone.now())
    if not switched:
        return False
    failures = Endpoint.objects.values_list("failures", flat=True).get(pk=endpoint.pk)
    data = {"endpoint": endpoint.pk, "failures": failures, "by_failures": actor is None}
    event = events.record(team, "webhook.disabled", actor, data)
    trail.record("webhook.disabled", actor=actor, team=team, seq=event.seq, detail=data)
    transaction.on_commit(lambda: forget_kinds(team.pk))
    return True
