"""The people pages in real Chromium: filtering the expert directory by a keyword (German and English), the pages at
phone width, and suggested experts on the launch form (they follow the chosen goals; a tick makes a member) and on
the invite form (one click invites)."""
import datetime

import pytest
from django.utils import timezone

from teams.models import Membership, StrategicGoal, Team
from teams.people.models import Location, Sector
from teams.people.services import set_expertise, update_professional_profile
from tests.conftest import make_user
from tests.test_pages_browser import OVERFLOWING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADING = {"de": "Personen im Cluster", "en": "People of the cluster"}
COUNT = {"de": "1 Person", "en": "1 person"}


@pytest.fixture
def experts(people):
    """Two described people: the one to find, and one who must not match."""
    erika, felix = make_user("erika"), make_user("felix")
    update_professional_profile(erika, erika, organisation="Charité Lab", sector=Sector.CARE, location=Location.BERLIN,
                                keywords=["FHIR", "Interoperabilität", "klinische Studien"])
    update_professional_profile(felix, felix, organisation="Potsdam Devices", sector=Sector.COMPANY,
                                location=Location.BRANDENBURG, keywords=["Medizintechnik", "Telemedizin"])
    return erika, felix


def cards(page):
    return sorted(page.eval_on_selector_all("#people [data-person]", "nodes => nodes.map(n => n.dataset.person)"))


@pytest.mark.parametrize("language", ["de", "en"])
def test_filter_the_directory_by_a_keyword(closes_connections, login_page, daphne_server, people, experts, language):
    page = login_page(people["outsider"], language=language)
    page.get_by_role("link", name="Personen" if language == "de" else "People", exact=True).click()
    page.wait_for_url(f"{daphne_server.url}/people/")
    assert page.locator("h1").text_content() == HEADING[language]
    assert {"erika", "felix"} <= set(cards(page))
    page.get_by_label("Schlagwort" if language == "de" else "Keyword", exact=True).fill("fhir")
    page.wait_for_function("() => document.querySelectorAll('#people [data-person]').length === 1")
    assert cards(page) == ["erika"]
    assert COUNT[language] in page.locator("#people").inner_text()
    assert "keyword=fhir" in page.url  # the filter is in the address, to share or go back to
    # A keyword chip leads to everyone with it; the name to the person's page.
    page.locator("#people [data-person=erika] h2 a").click()
    page.wait_for_url(f"{daphne_server.url}/people/erika/")
    assert page.locator("h1").text_content() == "Erika Tester"
    assert page.get_by_role("link", name="Medizintechnik").count() == 0
    page.get_by_role("link", name="Interoperabilität").click()
    page.wait_for_url("**/people/?keyword=*")
    assert cards(page) == ["erika"]


def test_the_people_pages_fit_a_phone(closes_connections, login_page, daphne_server, people, team, experts):
    page = login_page(people["manager"], language="de")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/people/", "/people/?no_team=on", "/people/erika/", "/people/me/edit/",
                 f"/teams/{team.slug}/members/invite/", "/teams/launch/"):
        page.goto(daphne_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(OVERFLOWING) == [], path


def test_the_launch_form_suggests_experts_for_the_chosen_goals_and_a_tick_makes_a_member(
        closes_connections, login_page, daphne_server, people, experts):
    erika, felix = experts
    page = login_page(people["manager"], language="en")
    page.goto(f"{daphne_server.url}/teams/launch/")
    box = page.locator("#launch-experts")
    box.get_by_text("Choose strategic goals and fields of action").wait_for()
    goal = StrategicGoal.objects.get(code="3b")
    page.locator(f"#id_goals input[value='{goal.pk}']").check()
    box.locator("[data-suggested=erika]").wait_for()
    assert box.locator("[data-suggested=felix]").count() == 0
    assert "Expertise: Interoperabilität." in box.locator("[data-suggested=erika]").inner_text()
    page.get_by_label("Purpose").fill("Tele-consultations: Telemedizin for the rural districts.")
    page.get_by_label("Name").click()  # leaving the purpose: the suggestions follow it
    box.locator("[data-suggested=felix]").wait_for()
    box.get_by_role("checkbox", name="Erika Tester").check()
    today = timezone.localdate()
    page.get_by_label("Name").fill("Interop for Brandenburg")
    page.locator("#id_fields_of_action input").first.check()
    page.fill("#id_start_date", today.isoformat())
    page.fill("#id_end_date", (today + datetime.timedelta(days=120)).isoformat())
    assert box.get_by_role("checkbox", name="Erika Tester").is_checked()  # still ticked after the refresh
    with page.expect_navigation():
        page.get_by_role("button", name="Launch a topic team").click()
    team = Team.objects.get(name="Interop for Brandenburg")
    assert page.url.endswith(f"/teams/{team.slug}/")
    assert Membership.objects.get(team=team, user=erika).role == Membership.Role.EXPERT
    assert not Membership.objects.filter(team=team, user=felix).exists()


def test_one_click_on_the_invite_form_invites(closes_connections, login_page, daphne_server, people, team, experts):
    erika, _felix = experts
    set_expertise(people["outsider"], people["outsider"], keywords=["Zahnmedizin"])
    page = login_page(people["lead"], language="de")
    page.goto(f"{daphne_server.url}/teams/{team.slug}/members/invite/")
    assert page.get_by_role("heading", name="Vorgeschlagene Expert:innen").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Erika Tester einladen").click()
    assert page.url.endswith(f"/teams/{team.slug}/")
    assert "Erika Tester ist jetzt Mitglied." in page.locator(".messages").inner_text()
    assert Membership.objects.get(team=team, user=erika).role == Membership.Role.EXPERT
