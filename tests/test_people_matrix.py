"""Every visitor × every rule of the people pages (tests/matrix.py: PEOPLE_ALLOWED), over HTTP: allowed (and
shown, or written) or refused (and nothing shown, nothing written)."""
import pytest

from teams.models import StrategicGoal
from teams.people.models import Expertise
from teams.people.services import set_expertise
from tests.conftest import make_user
from tests.matrix import PEOPLE_ALLOWED, PEOPLE_RULES, VISITORS, may

pytestmark = pytest.mark.django_db


def test_suggestions_for_a_team_follow_who_may_invite():
    for role in VISITORS:
        assert PEOPLE_ALLOWED[role][PEOPLE_RULES.index("suggestions_for_team")] == may(role, "invite"), role


def refused(response, role):
    if role == "anonymous":
        return response.status_code == 302 and "/login/" in response["Location"]
    return response.status_code in (403, 404)


@pytest.mark.parametrize("rule", PEOPLE_RULES)
@pytest.mark.parametrize("role", VISITORS)
def test_people_rule(client, people, team, role, rule):
    # A stranger (in no team) whose keyword matches the team's goal 3b: what a suggestion would show.
    stranger = make_user("stranger")
    set_expertise(stranger, stranger, keywords=["Interoperabilität"])
    if role != "anonymous":
        client.force_login(people[role])
    allowed = PEOPLE_ALLOWED[role][PEOPLE_RULES.index(rule)]
    if rule == "see_directory":
        response = client.get("/people/")
        shown = response.status_code == 200 and 'data-person="stranger"' in response.content.decode()
        person = client.get("/people/stranger/")
        assert shown == allowed and (person.status_code == 200) == allowed
        if not allowed:
            assert refused(response, role) and refused(person, role)
    elif rule == "filter_in_no_team":
        response = client.get("/people/?no_team=on")
        if not allowed and role == "anonymous":
            assert refused(response, role)
            return
        html = response.content.decode()
        assert ('name="no_team"' in html) == allowed
        assert ('data-person="expert"' not in html) == allowed  # the expert is in a team: filtered out
        assert 'data-person="stranger"' in html
    elif rule == "suggestions_for_team":
        response = client.get(f"/teams/{team.slug}/members/invite/")
        html = response.content.decode()
        assert ('data-suggested="stranger"' in html) == allowed
        if not allowed:
            assert refused(response, role) and "Interoperabilität" not in html
    elif rule == "suggestions_at_launch":
        response = client.post("/people/suggestions/launch/", {"goals": [StrategicGoal.objects.get(code="3b").pk]})
        html = response.content.decode()
        assert ('data-suggested="stranger"' in html) == allowed
        if not allowed:
            assert refused(response, role) and "Interoperabilität" not in html
    elif rule == "edit_own_profile":
        who = people.get(role)
        response = client.post("/people/me/edit/", {"organisation": "Mine", "keywords": "Telemedizin"})
        written = Expertise.objects.filter(keyword__key="telemedizin").exists()
        assert written == allowed
        if allowed:
            assert response.status_code == 302 and Expertise.objects.get(keyword__key="telemedizin").profile.user == who
        else:
            assert refused(response, role)
    else:
        raise AssertionError(rule)
