"""Schemathesis against the live schema of a real daphne: every operation, with a token of each role, with
generated bodies and queries (at the team's real ids, and at generated ones): no server error (5xx), and every
answer as the schema says (status, content type, body). A bounded number of examples keeps it under 2 minutes."""
import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from teams.board import attachments, cards, checklists
from teams.board.models import Column
from teams.discussion.posting import post_message
from teams.invitations import services as invitations
from tests.api_helpers import token_for
from tests.discussion_helpers import general

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["manager", "lead", "expert", "observer", "outsider"]
# Invalid data: sent by a member who may write, so that it passes the team check and meets the validation.
NEGATIVE_ROLES = ["expert"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 3  # per operation, role and mode: about 700 requests in all


def real_ids(team, lead):
    """The path parameters of the team's real objects, so that generated bodies reach the services."""
    column = Column.objects.filter(team=team).order_by("rank").first()
    card = cards.create_card(lead, team, column=column, title="Fuzzed").data["card"]
    card_obj = team.cards.get(pk=card)
    item = checklists.add_checklist_item(lead, card_obj, text="step").data["item"]
    file = attachments.add_attachment(lead, card_obj, upload=SimpleUploadedFile("a.txt", b"text")).data["attachment"]
    channel = general(team)
    message = post_message(lead, team, channel=channel, body="hello")
    invitation = invitations.invite(lead, team, emails=["x@example.org"], role="expert").invitations[0]
    return {"slug": team.slug, "card_id": card, "item_id": item, "attachment_id": file, "channel_id": channel.pk,
            "message_id": message.pk, "invitation_id": invitation.pk}


def run(operation, base_url, token, mode, path_parameters, sent):
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    def check(case):
        sent.append(case.operation.label)
        response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        case.validate_response(response, checks=CHECKS)

    check()


def test_the_live_schema_holds_for_every_role(daphne_server, people, team):
    ids = real_ids(team, people["lead"])
    tokens = {role: token_for(people[role]) for role in ROLES}
    schema = schemathesis.openapi.from_url(f"{daphne_server.url}/api/v1/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 35
    failures, sent = [], []
    started = time.monotonic()
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        for role, token in tokens.items():
            modes = [(GenerationMode.POSITIVE, {k: v for k, v in ids.items() if k in names})]
            if role in NEGATIVE_ROLES:
                modes.append((GenerationMode.NEGATIVE, None))
            for mode, path_parameters in modes:
                try:
                    run(operation, daphne_server.url, token, mode, path_parameters or None, sent)
                except Unsatisfiable:
                    assert mode == GenerationMode.NEGATIVE  # nothing to get wrong: no parameter, no body
                except Exception as exc:  # noqa: BLE001 - collected, reported together below
                    failures.append(f"{operation.label} as {role} ({mode.value}): {exc}"[:1500])
    print(f"{len(operations)} operations, {len(sent)} requests, {time.monotonic() - started:.0f} s")
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures[:10])


def test_the_schema_is_whole_for_readers_at_once_and_says_null_as_openapi_3_1_does(daphne_server):
    """Eight readers at once (an independent client found one in seven answered 500: drf-spectacular's build is
    not thread-safe); every answer the same 3.1 schema, where a last page's `next: null` is allowed."""
    def read(_):
        with urllib.request.urlopen(f"{daphne_server.url}/api/v1/schema/?format=json", timeout=60) as response:
            return response.status, response.read()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(read, range(32)))
    assert {status for status, _ in answers} == {200} and len({body for _, body in answers}) == 1
    schema = json.loads(answers[0][1])
    assert schema["openapi"].startswith("3.1") and b'"nullable"' not in answers[0][1]
    pages = [name for name in schema["components"]["schemas"] if name.startswith("Paginated")]
    assert pages and all(schema["components"]["schemas"][name]["properties"]["next"]["type"] == ["string", "null"]
                         for name in pages)
