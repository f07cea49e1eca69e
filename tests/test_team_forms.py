"""Bad input on every form of the foundation → a clear message on the page, nothing written.

Forms: propose, launch (new team), launch (a proposal), edit, extend, invite, ask to join,
role, answer a join request. "Nothing written" compares every team row, goal and field
link, membership, guardian permission row and the event count before and after.
"""
import datetime

import pytest
from django.utils import timezone

from teams import membership as membership_services
from teams import services
from teams.models import FieldOfAction, Membership, StrategicGoal, Team
from teams.people.models import Organisation
from tests.conftest import make_user, team_data
from tests.foundation_helpers import db_state, page_text

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
SCRIPT = '<script>alert("x")</script>'
REQUIRED = "This field is required."
HTML = "HTML tags are not allowed here."


@pytest.fixture
def world(people, team):
    """A running team, a proposal, a join request, and a second team with its own members."""
    proposal = services.propose_team(people["expert"], **team_data(name="A proposal"))
    requester = make_user("requester")
    join = membership_services.request_to_join(requester, team, message="please")
    other = services.launch_new_team(people["manager"], lead=people["outsider"], **team_data(name="Other team"))
    other_member = membership_services.enrol_member(people["manager"], other, user=make_user("stranger"),
                                                     role="expert")
    other_request = membership_services.request_to_join(make_user("asker"), other, message="me too")
    return {"team": team, "proposal": proposal, "join": join, "other": other, "other_member": other_member,
            "other_request": other_request, "newcomer": make_user("newcomer")}


def team_fields(**overrides):
    today = timezone.localdate()
    data = {"name": "Good name", "purpose": "A good purpose",
            "goals": list(StrategicGoal.objects.filter(code__in=["3a", "3b"]).values_list("pk", flat=True)),
            "fields_of_action": list(FieldOfAction.objects.filter(code="LST").values_list("pk", flat=True)),
            "start_date": today.isoformat(), "end_date": (today + 90 * DAY).isoformat()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


FORMS = {
    # form: (who posts, url, valid data)
    "propose": ("expert", lambda w: "/teams/propose/", lambda w: team_fields()),
    "launch_new": ("manager", lambda w: "/teams/launch/", lambda w: team_fields()),
    "launch": ("manager", lambda w: f"/teams/{w['proposal'].slug}/launch/",
               lambda w: {"start_date": timezone.localdate().isoformat(),
                          "end_date": (timezone.localdate() + 60 * DAY).isoformat()}),
    "edit": ("lead", lambda w: f"/teams/{w['team'].slug}/edit/",
             lambda w: team_fields(start_date=None, end_date=None)),
    "extend": ("manager", lambda w: f"/teams/{w['team'].slug}/extend/",
               lambda w: {"end_date": (w["team"].end_date + 30 * DAY).isoformat()}),
    "invite": ("lead", lambda w: f"/teams/{w['team'].slug}/members/invite/",
               lambda w: {"people": w["newcomer"].pk, "role": "expert"}),
    "join": ("outsider", lambda w: f"/teams/{w['team'].slug}/join/", lambda w: {"message": "I can help."}),
}
TEAM_FORMS = ["propose", "launch_new", "edit"]
DATED_FORMS = ["propose", "launch_new", "launch"]

CASES = [
    # (form, overrides applied to the valid data, message expected on the page)
    *[(form, {"name": None}, REQUIRED) for form in TEAM_FORMS],
    *[(form, {"purpose": None}, REQUIRED) for form in TEAM_FORMS],
    *[(form, {"goals": None}, REQUIRED) for form in TEAM_FORMS],
    *[(form, {"fields_of_action": None}, REQUIRED) for form in TEAM_FORMS],
    *[(form, {"name": "   "}, REQUIRED) for form in TEAM_FORMS],
    *[(form, {"goals": [999999]}, "Unknown strategic goal.") for form in TEAM_FORMS],
    *[(form, {"goals": ["not-a-number"]}, "Unknown strategic goal.") for form in TEAM_FORMS],
    *[(form, {"fields_of_action": [424242]}, "Unknown field of action.") for form in TEAM_FORMS],
    *[(form, {"name": "x" * 121}, "Ensure this value has at most 120 characters (it has 121).")
      for form in TEAM_FORMS],
    *[(form, {"purpose": "y" * 4001}, "Ensure this value has at most 4000 characters (it has 4001).")
      for form in TEAM_FORMS],
    *[(form, {"name": f"Team {SCRIPT}"}, HTML) for form in TEAM_FORMS],
    *[(form, {"purpose": "Hello <img src=x onerror=alert(1)>"}, HTML) for form in TEAM_FORMS],
    *[(form, {"start_date": None}, REQUIRED) for form in DATED_FORMS],
    *[(form, {"end_date": None}, REQUIRED) for form in DATED_FORMS],
    *[(form, {"end_date": "2025-13-45"}, "Enter a valid date.") for form in DATED_FORMS],
    *[(form, {"start_date": "tomorrow"}, "Enter a valid date.") for form in DATED_FORMS],
    ("launch_new", {"lead": 987654}, "Select a valid choice."),
    ("launch_new", {"supporters": ["abc"]}, "is not a valid value."),
    ("extend", {"end_date": None}, REQUIRED),
    ("extend", {"end_date": "31.12.2099x"}, "Enter a valid date."),
    ("invite", {"people": None}, "Choose people from the list or give e-mail addresses."),
    ("invite", {"people": 555555}, "Choose people from the list who are not yet members."),
    ("invite", {"people": "lead"}, "Choose people from the list who are not yet members."),
    ("invite", {"addresses": "not-an-address"}, "This is not an e-mail address: not-an-address"),
    ("invite", {"message": "Hello \x1b[31m\u202e"}, "control characters and invisible characters are not allowed"),
    ("invite", {"role": None}, REQUIRED),
    ("invite", {"role": "boss"}, "Select a valid choice. boss is not one of the available choices."),
    ("invite", {"role": SCRIPT}, "is not one of the available choices."),
    ("join", {"message": "z" * 501}, "Ensure this value has at most 500 characters (it has 501)."),
    ("join", {"message": f"hi {SCRIPT}"}, HTML),
]


def case_id(case):
    form, overrides, _ = case
    return f"{form}-" + "-".join(f"{k}={str(v)[:12]}" for k, v in overrides.items())


@pytest.mark.parametrize("form,overrides,message", CASES, ids=[case_id(c) for c in CASES])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(client, people, world, form, overrides,
                                                                        message):
    who, url, valid = FORMS[form]
    data = {**valid(world), **overrides}
    data = {k: v for k, v in data.items() if v is not None}
    client.force_login(people[who])
    before = db_state()
    response = client.post(url(world), data)
    assert response.status_code == 200
    page = page_text(response)
    assert message in page, page[page.find("<main"):][:3000]
    assert 'role="alert"' in page
    assert SCRIPT not in page  # re-rendered input is escaped
    assert db_state() == before


@pytest.mark.parametrize("form", list(FORMS))
def test_an_empty_post_is_refused_with_required_messages(client, people, world, form):
    """An empty submission is a bound form: it says what is missing (and writes nothing)."""
    who, url, _valid = FORMS[form]
    client.force_login(people[who])
    before = db_state()
    response = client.post(url(world), {})
    if form == "join":  # the message is optional: an empty request is a valid request
        assert response.status_code == 302 and db_state() != before
        return
    assert response.status_code == 200
    assert REQUIRED in page_text(response)
    assert db_state() == before


@pytest.mark.parametrize("form", list(FORMS))
def test_the_valid_data_of_each_case_is_accepted(client, people, world, form):
    """The cases above differ from an accepted submission only by the bad field."""
    who, url, valid = FORMS[form]
    client.force_login(people[who])
    before = db_state()
    response = client.post(url(world), valid(world))
    assert response.status_code == 302, page_text(response)[:2000]
    assert db_state()["events"] > before["events"]


@pytest.mark.parametrize("form", ["propose", "launch_new"])
def test_end_before_start_is_shown_on_the_form(client, people, world, form):
    who, url, valid = FORMS[form]
    client.force_login(people[who])
    today = timezone.localdate()
    before = db_state()
    response = client.post(url(world), {**valid(world), "start_date": today.isoformat(),
                                        "end_date": (today - DAY).isoformat()})
    assert response.status_code == 200
    assert "The end date must not be before the start date." in page_text(response)
    assert db_state() == before


# Member URLs with another team's ids ---------------------------------------------------

@pytest.mark.parametrize("action,post", [
    ("role", {"role": "observer"}),
    ("remove", {}),
    ("answer", {"decision": "approve"}),
])
@pytest.mark.parametrize("target", ["other_member", "other_request"])
def test_another_teams_membership_ids_are_404(client, people, world, action, post, target):
    client.force_login(people["manager"])  # may do everything: the 404 comes from the mismatch
    before = db_state()
    membership = world[target]
    response = client.post(f"/teams/{world['team'].slug}/members/{membership.pk}/{action}/", post)
    assert response.status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("action", ["role", "remove", "answer"])
def test_unknown_membership_ids_are_404(client, people, world, action):
    client.force_login(people["lead"])
    before = db_state()
    response = client.post(f"/teams/{world['team'].slug}/members/99999/{action}/", {"role": "expert",
                                                                                    "decision": "approve"})
    assert response.status_code == 404
    assert db_state() == before


def test_unknown_team_slug_is_404(client, people):
    client.force_login(people["manager"])
    for url in ("/teams/no-such-team/", "/teams/no-such-team/edit/", "/teams/no-such-team/extend/",
                "/teams/no-such-team/members/invite/"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [None, "", "boss", SCRIPT])
def test_bad_role_is_refused_with_a_message(client, people, world, role):
    membership = Membership.objects.get(team=world["team"], user=people["expert"])
    client.force_login(people["lead"])
    before = db_state()
    data = {} if role is None else {"role": role}
    response = client.post(f"/teams/{world['team'].slug}/members/{membership.pk}/role/", data, follow=True)
    assert response.status_code == 200
    assert "Unknown role." in page_text(response)
    assert SCRIPT not in page_text(response)
    assert db_state() == before


@pytest.mark.parametrize("decision", [None, "", "yes", SCRIPT])
def test_bad_join_decision_is_refused_with_a_message(client, people, world, decision):
    client.force_login(people["lead"])
    before = db_state()
    data = {} if decision is None else {"decision": decision}
    response = client.post(f"/teams/{world['team'].slug}/members/{world['join'].pk}/answer/", data, follow=True)
    assert response.status_code == 200
    assert "Choose whether to approve or decline the request." in page_text(response)
    assert db_state() == before


def test_answering_a_join_request_twice_says_so(client, people, world):
    client.force_login(people["lead"])
    url = f"/teams/{world['team'].slug}/members/{world['join'].pk}/answer/"
    client.post(url, {"decision": "approve"})
    before = db_state()
    response = client.post(url, {"decision": "decline"}, follow=True)
    assert "This join request has already been answered." in page_text(response)
    assert db_state() == before


def test_asking_to_join_twice_is_refused(client, people, world):
    client.force_login(people["outsider"])
    url = f"/teams/{world['team'].slug}/join/"
    assert client.post(url, {"message": "first"}).status_code == 302
    before = db_state()
    response = client.post(url, {"message": "again"})
    # The second request meets the permission check (a pending request is no membership)
    # or the service's duplicate check: refused either way, and said so.
    assert response.status_code in (200, 403)
    assert "already asked to join" in page_text(response)
    assert db_state() == before


@pytest.mark.parametrize("inviter, invitee, role, status, refusal", [
    ("lead", lambda people, world: people["expert"], "expert", 200,
     "Choose people from the list who are not yet members."),
    ("supporter", lambda people, world: world["newcomer"], "lead", 403,
     "Only a lead or cluster management can name a lead."),
], ids=["an existing member", "a supporter naming a lead"])
def test_the_invite_form_refuses_and_says_why(client, people, world, inviter, invitee, role, status, refusal):
    client.force_login(people[inviter])
    before = db_state()
    response = client.post(f"/teams/{world['team'].slug}/members/invite/",
                           {"people": invitee(people, world).pk, "role": role})
    assert response.status_code == status
    assert refusal in page_text(response)
    assert db_state() == before


# Escaping -----------------------------------------------------------------------------

NASTY = "R&D <b>bold</b> <script>alert(1)</script>"


def test_text_created_outside_the_forms_renders_escaped(client, people):
    """Demo data, the admin or a shell may store < and >: every page escapes it."""
    person = make_user("nasty")
    person.first_name, person.last_name = "Eve <i>", "<script>x()</script>"
    person.save()
    person.profile.organisation = Organisation.objects.create(name=NASTY)
    person.profile.save()
    team = services.launch_new_team(people["manager"], lead=person, **team_data(name=NASTY, purpose=NASTY))
    membership_services.request_to_join(people["outsider"], team, message=NASTY)
    pages = [f"/teams/{team.slug}/", "/teams/", "/teams/?q=bold", "/masterplan/", "/my/"]
    for who in ("manager", "nasty"):
        client.force_login(person if who == "nasty" else people[who])
        for url in pages:
            page = page_text(client.get(url))
            assert "<script>alert(1)</script>" not in page and "<b>bold</b>" not in page, url
            assert "<script>x()</script>" not in page and "Eve <i>" not in page, url
    client.force_login(people["manager"])
    page = page_text(client.get(f"/teams/{team.slug}/"))
    assert "R&amp;D &lt;b&gt;bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Eve &lt;i&gt;" in page


def test_a_team_name_with_a_script_tag_cannot_be_created(client, people):
    client.force_login(people["expert"])
    before = db_state()
    response = client.post("/teams/propose/", team_fields(name=SCRIPT))
    assert HTML in page_text(response)
    assert not Team.objects.filter(name__contains="<script").exists()
    assert db_state() == before
