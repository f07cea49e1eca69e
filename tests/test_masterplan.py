import pytest
from django.utils import translation

from teams.models import FieldOfAction, FocalArea, StrategicGoal


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
