"""Hypothesis fuzz of every form POST endpoint over HTTP: arbitrary text, ids, dates and lists never give a
500, and an error response writes nothing (row counts and the event log unchanged). Bounded and derandomized."""
import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teams.board.cards import create_card
from teams.board.columns import set_up_board
from teams.board.models import Card, Column
from teams.models import FieldOfAction, Membership, StrategicGoal
from teams.review import meetings as review_meetings
from tests.discussion_helpers import clear_cache, general

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = 40  # per endpoint (29 endpoints): derandomized, the same 1,160 posts every run
COUNTED = ["teams.Team", "teams.Membership", "teams.Event", "board.Card", "board.Column", "board.Comment",
           "board.ChecklistItem", "discussion.Message", "discussion.Channel", "review.ReviewNote", "review.Output",
           "review.ReviewMeeting", "people.Keyword", "people.Expertise", "people.Organisation",
           "invitations.Invitation", "accounts.EmailChange", "contributions.Contribution", "privacy.Acknowledgement"]

# name: (url name, url args from the context, actor, fields, True when success is a redirect so that a 200 means
# the form came back with errors)
ENDPOINTS = {
    "propose": ("teams:propose", lambda c: [], "lead",
                ["name", "purpose", "goals", "fields_of_action", "start_date", "end_date"], True),
    "launch_new": ("teams:launch_new", lambda c: [], "manager",
                   ["name", "purpose", "goals", "fields_of_action", "start_date", "end_date", "lead", "supporters",
                    "experts"], True),
    "edit": ("teams:edit", lambda c: [c["team"].slug], "manager", ["name", "purpose", "goals", "fields_of_action"],
             True),
    "launch": ("teams:launch", lambda c: [c["proposed"].slug], "manager", ["start_date", "end_date"], True),
    "extend": ("teams:extend", lambda c: [c["team"].slug], "manager", ["end_date"], True),
    "invite": ("teams:invite", lambda c: [c["team"].slug], "manager", ["people", "addresses", "role", "message"],
               True),
    "join": ("teams:request_join", lambda c: [c["team"].slug], "outsider", ["message"], True),
    "role": ("teams:change_role", lambda c: [c["team"].slug, c["expert_membership"].pk], "manager", ["role"], False),
    "card_comment": ("board:card_comment", lambda c: [c["team"].slug, c["card"].pk], "expert", ["body"], False),
    "checklist_add": ("board:checklist_add", lambda c: [c["team"].slug, c["card"].pk], "expert", ["text"], False),
    "column_settings": ("board:column_settings", lambda c: [c["team"].slug, c["column"].pk], "lead",
                        ["name", "wip_limit", "is_done", "enforce_wip"], False),
    "message_post": ("discussion:post", lambda c: [c["team"].slug, c["channel"].pk], "expert", ["body", "thread"],
                     False),
    "channel_create": ("discussion:create", lambda c: [c["team"].slug], "lead", ["name", "topic", "card"], False),
    "review_note": ("review:add_note", lambda c: [c["team"].slug], "advisor", ["body", "meeting"], False),
    "output": ("review:outputs", lambda c: [c["team"].slug], "lead",
               ["title", "kind", "status", "date", "link", "goals"], True),
    "meeting": ("review:meetings", lambda c: [], "advisor", ["title", "scheduled_for", "teams"], True),
    "report": ("review:request_report", lambda c: [], "advisor", ["format", "team"], False),
    "account_name": ("accounts:name", lambda c: [], "expert", ["first_name", "last_name"], True),
    "account_email": ("accounts:email", lambda c: [], "expert", ["email", "password"], True),
    "account_password": ("accounts:password", lambda c: [], "expert",
                         ["old_password", "new_password1", "new_password2"], True),
    "account_language": ("accounts:language", lambda c: [], "expert", ["language"], True),
    "set_active": ("accounts:set_active", lambda c: [c["expert_membership"].user_id], "manager", ["active", "next"],
                   False),
    "password_reset": ("password_reset", lambda c: [], "outsider", ["email"], True),
    "contribution": ("contributions:edit", lambda c: [c["team"].slug, c["expert_membership"].pk], "expert",
                     ["hours_per_month", "facilities", "data", "funding", "network"], True),
    "leave": ("teams:leave", lambda c: [c["team"].slug], "lead", ["successor"], True),
    "professional_profile": ("people:edit_profile", lambda c: [], "expert",
                             ["organisation", "sector", "location", "keywords"], True),
    "privacy_notice": ("privacy:edit_privacy", lambda c: [], "manager", ["text_de", "text_en", "ask_again"], True),
    "acknowledge": ("privacy:acknowledge", lambda c: [], "expert", ["version", "next"], True),
    "launch_suggestions": ("people:launch_suggestions", lambda c: [], "manager",  # a read: never writes
                           ["name", "purpose", "goals", "fields_of_action", "lead", "supporters", "experts"], False),
}

SPECIAL = ["", " ", "0", "-1", "1", "2", "99999999999999999999", "expert", "lead", "observer", "supporter",
           "done", "planned", "high", "pdf", "csv", "position", "<script>alert(1)</script>", "**bold**",
           "2999-12-31", "1900-01-01", "2026-02-30", "2026-13-01", "0000-00-00", "null", "[]", "{}", "\x00",
           "https://example.org/x", "javascript:alert(1)", "a" * 5000, "de", "en", "pw", "expert@example.org",
           "201", "200"]


def counts():
    """Every counted table's rows in one statement: it runs twice per example, 2 x 19 queries before."""
    tables = [connection.ops.quote_name(apps.get_model(label)._meta.db_table) for label in COUNTED]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables))
        return dict(zip(COUNTED, cursor.fetchone(), strict=True))


@pytest.fixture
def context(people, team):
    clear_cache()
    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    if column is None:
        set_up_board(team, people["lead"])
        column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    event = create_card(people["lead"], team, column=column, title="Fuzz")
    card = Card.objects.get(pk=event.data["card"])
    from teams import services

    proposed = services.propose_team(people["lead"], name="Proposed", purpose="p",
                                     goals=list(StrategicGoal.objects.filter(code="1a")),
                                     fields_of_action=list(FieldOfAction.objects.filter(code="LST")),
                                     start_date=team.start_date, end_date=team.end_date)
    review_meetings.add_review_note(people["advisor"], team, body="note")
    return {"team": team, "card": card, "column": column, "channel": general(team), "proposed": proposed,
            "expert_membership": Membership.objects.get(team=team, user=people["expert"])}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_form_endpoint_never_crashes_and_errors_write_nothing(client, people, context, endpoint):
    url_name, args, actor, fields, redirects_on_success = ENDPOINTS[endpoint]
    url = reverse(url_name, args=args(context))
    client.force_login(people[actor])
    real_ids = [str(pk) for pk in StrategicGoal.objects.values_list("pk", flat=True)[:3]] + [
        str(user.pk) for user in people.values()] + [str(context["card"].pk), str(context["team"].pk)]
    scalar = st.one_of(st.text(max_size=300), st.integers(-10, 10**15).map(str), st.dates().map(str),
                       st.sampled_from(SPECIAL), st.sampled_from(real_ids))
    value = st.one_of(scalar, st.lists(scalar, max_size=4))
    data_strategy = st.fixed_dictionaries({}, optional={field: value for field in fields})
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(data=data_strategy)
    def run(data):
        before = counts()
        response = client.post(url, data)
        assert response.status_code < 500, (endpoint, data)
        if response.status_code >= 400 or (redirects_on_success and response.status_code == 200):
            assert counts() == before, (endpoint, response.status_code, data)

    run()
