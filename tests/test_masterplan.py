import pytest
from django.test import Client
from django.utils import translation

from teams import fragments
from teams.models import FieldOfAction, FocalArea, StrategicGoal, Team
from teams.services import archive_team, conclude_team, propose_team, update_team
from tests.conftest import team_data
from tests.queries import assert_constant, statements


@pytest.mark.django_db
def test_migrate_loads_the_whole_master_plan():
    assert FieldOfAction.objects.count() == 2
    assert FocalArea.objects.count() == 7
    assert StrategicGoal.objects.count() == 29
    codes = set(StrategicGoal.objects.values_list("code", flat=True))
    assert {"1a", "1c", "2e", "3e", "4d", "5d", "6d", "7d"} <= codes
    per_area = {area.number: area.goals.count() for area in FocalArea.objects.all()}
    assert per_area == {1: 3, 2: 5, 3: 5, 4: 4, 5: 4, 6: 4, 7: 4}


@pytest.mark.django_db
def test_master_plan_speaks_german_and_english():
    goal = StrategicGoal.objects.get(code="3b")
    with translation.override("en"):
        assert goal.title == "Promote interoperability and data integration"
        assert FieldOfAction.objects.get(code="IC").name == "Innovative Care"
    with translation.override("de"):
        assert goal.title == "Interoperabilität und Datenintegration fördern"
        assert FieldOfAction.objects.get(code="IC").name == "Innovative Versorgung"
    assert all(g.title_de and g.title_en != g.title_de for g in StrategicGoal.objects.all())


@pytest.mark.django_db
def test_master_plan_page_lists_goals_with_their_teams(client, people, team):
    client.force_login(people["outsider"])
    response = client.get("/masterplan/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="goal"') == 29
    assert team.name in body


# The page is cached for every reader (fragments.cluster_cached): each kind of change shows on the next request.

def plan(client, language="en"):
    response = client.get("/masterplan/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def goal_item(html, code):
    return html.split(f'id="goal-{code}"', 1)[1].split("</li>", 1)[0]


@pytest.mark.django_db
def test_master_plan_is_cached_and_shows_every_change_of_its_teams_at_once(client, people, team):
    client.force_login(people["outsider"])
    assert team.name in goal_item(plan(client), "3a")
    # Proof that the page is served from the cache: a write past the event log does not show.
    Team.objects.filter(pk=team.pk).update(name="Written around the log")
    assert "Written around the log" not in plan(client)

    update_team(people["manager"], team, name="Renamed Spaces", purpose=team.purpose,
                goals=list(StrategicGoal.objects.filter(code="7a")), fields_of_action=list(team.fields_of_action.all()))
    html = plan(client)
    assert "Renamed Spaces" in goal_item(html, "7a")
    assert "Renamed Spaces" not in goal_item(html, "3a")
    assert "No team works on this goal yet." in goal_item(html, "3a")

    proposed = propose_team(people["expert"], **team_data(name="Proposed Registry"))
    assert "Proposed Registry" in goal_item(plan(client), "3b")

    conclude_team(people["manager"], team)
    assert 'class="chip concluded"' in goal_item(plan(client), "7a")
    archive_team(people["manager"], team)
    html = plan(client)
    assert "Renamed Spaces" not in html and "Proposed Registry" in html  # archived teams leave the plan

    proposed.delete()  # a deleted team takes its seq out of the key: it renews every fragment
    assert "Proposed Registry" not in plan(client)


@pytest.mark.django_db
def test_master_plan_shows_renamed_goals_areas_and_fields_at_once(client, people):
    client.force_login(people["outsider"])
    plan(client)
    goal = StrategicGoal.objects.get(code="3b")
    goal.title_en = "Speak FHIR everywhere"
    goal.save()
    assert "Speak FHIR everywhere" in goal_item(plan(client), "3b")
    area = FocalArea.objects.get(number=3)
    area.name_en = "Data of every kind"
    area.save()
    assert "3. Data of every kind" in plan(client)
    field = FieldOfAction.objects.get(code="IC")
    field.name_en, field.scope_en = "Care, renamed", "A scope written anew"
    field.save()
    html = plan(client)
    assert "Care, renamed" in html and "A scope written anew" in html


@pytest.mark.django_db
def test_master_plan_in_each_language_whichever_is_cached_first(people):
    for order in (["en", "de"], ["de", "en"]):
        fragments.renew_all()
        client = Client()
        client.force_login(people["outsider"])
        pages = {language: plan(client, language) for language in order}
        assert "Innovative Care" in pages["en"] and "Innovative Versorgung" not in pages["en"]
        assert "Innovative Versorgung" in pages["de"] and "Innovative Care" not in pages["de"]


@pytest.mark.django_db
def test_master_plan_queries_stay_constant_and_few_once_cached(client, people, make_team):
    client.force_login(people["outsider"])

    def warm():
        plan(client)  # builds the cache after the change
        html, sql = statements(lambda: plan(client))
        return html, len(sql)

    make_team(name="First")
    small_html, small = warm()
    for number in range(12):
        make_team(name=f"Team {number}", goals=list(StrategicGoal.objects.filter(code__in=["1a", "5b", "7d"])))
    large_html, large = warm()
    assert large_html.count('class="chip') == small_html.count('class="chip') + 36
    assert_constant(small, large, budget=4)  # session, user, cluster roles, the key (fragments.cluster_cached)
