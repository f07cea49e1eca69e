"""The expert directory (/people/) and a person's entry (/people/<username>/): who is listed with what, the filters,
that nobody learns of a team they may not view, paging, and a constant number of queries."""
import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from teams import fragments
from teams import membership as membership_services
from teams.models import FieldOfAction, Membership, Profile, StrategicGoal, Team, TeamUserObjectPermission
from teams.people.models import Expertise, Keyword, Location, Organisation, Sector
from teams.people.services import set_expertise, update_professional_profile
from teams.people.views import PAGE_SIZE
from teams.services import conclude_team
from tests.conftest import make_user
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db


def page(client, url="/people/", **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def listed(client, query=""):
    """Usernames on the directory page for this query string."""
    html = page(client, f"/people/?{query}")
    return {user.username for user in User.objects.all() if f'data-person="{user.username}"' in html}


@pytest.fixture
def hidden_team(people, make_team):
    """An IC team (so the LST field managers do not see it) with goal 7a, where the expert is also a member."""
    return make_team(name="Secret Care Circle", goals=list(StrategicGoal.objects.filter(code="7a")),
                     fields_of_action=list(FieldOfAction.objects.filter(code="IC")))


@pytest.fixture
def described(people):
    """The expert and the observer, with organisations and keywords."""
    expert, observer = people["expert"], people["observer"]
    update_professional_profile(expert, expert, organisation="Charité Lab", sector=Sector.CARE,
                                location=Location.BERLIN, keywords=["FHIR", "clinical trials"])
    update_professional_profile(observer, observer, organisation="Potsdam Devices", sector=Sector.COMPANY,
                                location=Location.BRANDENBURG, keywords=["Medizintechnik"])
    return expert, observer


def test_anonymous_is_sent_to_log_in(client):
    for url in ("/people/", "/people/someone/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_every_active_person_is_listed_with_their_facts(client, people, team, described):
    make_user("gone", is_active=False)
    client.force_login(people["manager"])
    html = page(client)
    assert listed(client) == {user.username for user in people.values()}  # not "gone"
    assert "Charité Lab" in html and "Hospital or care provider" in html and "Berlin" in html
    assert "FHIR" in html and "clinical trials" in html and "Medizintechnik" in html
    assert "Data Spaces" in html  # the manager views every team
    assert "Life Sciences and Technologies" in html  # the team's field (and the LST managers')
    entry = page(client, "/people/expert/")
    assert "<h1>Expert Tester</h1>" in entry and "Charité Lab" in entry and "FHIR" in entry
    assert "Data Spaces" in entry and "Expert" in entry


def test_a_person_page_is_404_for_the_unknown_and_the_inactive(client, people):
    make_user("gone", is_active=False)
    client.force_login(people["outsider"])
    assert client.get("/people/gone/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404


def test_an_outsider_never_sees_a_team_they_may_not_view(client, people, team, hidden_team, described):
    client.force_login(people["outsider"])
    for url in ("/people/", "/people/expert/", "/people/lead/", "/people/?goal=7a", "/people/?field=IC",
                "/people/?q=Secret", "/people/?page=1"):
        html = page(client, url)
        assert "Data Spaces" not in html and "Secret Care Circle" not in html, url
    # ...and the filters about teams do not reveal memberships either.
    assert listed(client, "goal=7a") == set()
    assert listed(client, "goal=3a") == set()
    assert "expert" not in listed(client, "field=IC")
    # An LST field manager views the LST team but not the IC one.
    client.force_login(people["field_manager"])
    html = page(client, "/people/expert/")
    assert "Data Spaces" in html and "Secret Care Circle" not in html
    assert "expert" in listed(client, "goal=3a") and "expert" not in listed(client, "goal=7a")


def test_a_member_sees_their_own_teams_on_others_entries(client, people, team, hidden_team):
    client.force_login(people["observer"])  # in both teams
    html = page(client, "/people/expert/")
    assert "Data Spaces" in html and "Secret Care Circle" in html


def test_filters(client, people, team, hidden_team, described):
    client.force_login(people["manager"])
    assert listed(client, "q=charit") == {"expert"}  # organisation
    assert listed(client, "q=expert+tester") == {"expert"}  # both names
    assert listed(client, "q=trial") == {"expert"}  # part of a keyword
    assert listed(client, "keyword=fhir") == {"expert"}  # a whole keyword, any case
    assert listed(client, "keyword=FHIR+") == {"expert"}
    assert listed(client, "keyword=FHI") == set()
    assert listed(client, "sector=company") == {"observer"}
    assert listed(client, "location=berlin") == {"expert"}
    assert listed(client, "goal=7a") == {"lead", "expert", "observer", "supporter"}
    assert listed(client, "field=IC") == {"lead", "expert", "observer", "supporter", "othermanager"}  # + IC's manager
    assert listed(client, "field=LST&sector=care") == {"expert"}
    assert "Some filters were not understood" in page(client, "/people/?field=bogus&goal=99z")


def test_in_no_team_is_cluster_managements_filter_only(client, people, team):
    everyone = {user.username for user in people.values()}
    in_team = {"lead", "expert", "observer", "supporter"}
    client.force_login(people["manager"])
    assert 'name="no_team"' in page(client)
    assert listed(client, "no_team=on") == everyone - in_team
    for role in ("outsider", "lead", "field_manager", "advisor"):
        client.force_login(people[role])
        assert 'name="no_team"' not in page(client)
        assert listed(client, "no_team=on") == everyone, role  # neither the filter nor its effect
    # A concluded team is over: its members are in no team now.
    conclude_team(people["manager"], team)
    client.force_login(people["manager"])
    assert listed(client, "no_team=on") == everyone


def test_the_htmx_request_gets_the_rows_only(client, people, described):
    client.force_login(people["outsider"])
    html = page(client, "/people/?keyword=fhir", HTTP_HX_REQUEST="true")
    assert "<html" not in html and 'data-person="expert"' in html and "1 person" in html


def test_people_are_paged(client, people):
    for n in range(PAGE_SIZE + 3):
        make_user(f"zz{n:02d}")
    client.force_login(people["outsider"])
    first, second = listed(client), listed(client, "page=2")
    assert len(first) == PAGE_SIZE and len(second) == len(people) + 3
    assert not first & second
    assert "Page 2 of 2" in page(client, "/people/?page=2") and listed(client, "page=junk") == first


def test_german_directory(client, people, team, described):
    client.force_login(people["manager"])
    html = page(client, HTTP_ACCEPT_LANGUAGE="de")
    assert "Personen im Cluster" in html and "Klinik oder Pflegeeinrichtung" in html
    assert "Lebenswissenschaften und Technologien" in html and "Derzeit in keinem Thementeam" in html
    assert "Personen" in html.split("<nav")[1].split("</nav>")[0]  # in the header
    assert "Berufliches Profil" in page(client, "/people/expert/", HTTP_ACCEPT_LANGUAGE="de")


# Queries ------------------------------------------------------------------------------------

def grow(count, start, teams_per_person=2):
    """`count` active people with organisations, three keywords each, a field, and memberships in bulk teams
    (listed after the fixture's people, so the first page always shows some of their teams)."""
    today = timezone.localdate()
    goals, fields = list(StrategicGoal.objects.all()), list(FieldOfAction.objects.all())
    users = User.objects.bulk_create([User(username=f"bulk{n}", first_name="Bulk", last_name=f"Zulu {n}")
                                      for n in range(start, start + count)])
    users = list(User.objects.filter(username__in=[u.username for u in users]).order_by("pk"))
    organisation, _ = Organisation.objects.get_or_create(name="Bulk org", defaults={"sector": Sector.RESEARCH})
    Profile.objects.bulk_create(Profile(user=user, organisation=organisation) for user in users)
    profiles = list(Profile.objects.filter(user__in=users).order_by("user_id"))
    Profile.fields_of_action.through.objects.bulk_create(
        Profile.fields_of_action.through(profile_id=p.pk, fieldofaction_id=fields[i % 2].pk)
        for i, p in enumerate(profiles))
    keywords = Keyword.objects.bulk_create([Keyword(key=f"bulk keyword {n}", label=f"Bulk keyword {n}")
                                            for n in range(start, start + count)])
    keywords = list(Keyword.objects.filter(key__startswith="bulk keyword ").order_by("pk"))
    Expertise.objects.bulk_create(Expertise(profile=p, keyword=keywords[(i + k) % len(keywords)], position=k)
                                  for i, p in enumerate(profiles) for k in range(3))
    teams = Team.objects.bulk_create([
        Team(slug=f"bulk-{n}", name=f"Bulk team {n}", purpose="p", status=Team.Status.ACTIVE,
             start_date=today, end_date=today + datetime.timedelta(days=30)) for n in range(start, start + count)])
    teams = list(Team.objects.filter(slug__in=[t.slug for t in teams]).order_by("pk"))  # bulkN in bulk-N
    Team.goals.through.objects.bulk_create(Team.goals.through(team_id=t.pk, strategicgoal_id=goals[i % 29].pk)
                                           for i, t in enumerate(teams))
    Team.fields_of_action.through.objects.bulk_create(
        Team.fields_of_action.through(team_id=t.pk, fieldofaction_id=fields[i % 2].pk) for i, t in enumerate(teams))
    memberships = Membership.objects.bulk_create(
        Membership(team=teams[(i + k) % len(teams)], user=user, role=Membership.Role.EXPERT)
        for i, user in enumerate(users) for k in range(teams_per_person))
    view = Permission.objects.get(codename="view_team")
    TeamUserObjectPermission.objects.bulk_create(
        TeamUserObjectPermission(user_id=m.user_id, content_object_id=m.team_id, permission=view) for m in memberships)
    fragments.renew_all()  # rows in bulk record no event: cached pages are renewed as the services' writes would


@pytest.mark.parametrize("viewer", ["manager", "outsider", "field_manager", "advisor"])
@pytest.mark.parametrize("query", ["", "?q=bulk", "?keyword=bulk+keyword+3", "?field=LST", "?goal=1a",
                                   "?no_team=on&sector=research"])
def test_the_directory_sends_the_same_queries_for_6_and_60_people(client, people, team, viewer, query):
    client.force_login(people[viewer])
    membership_services.enrol_member(people["manager"], team, user=people["outsider"], role="expert")
    set_expertise(people["lead"], people["lead"], keywords=["FHIR", "KI"])
    grow(6, 0)
    client.get("/people/")  # warm the session
    fragments.renew_all()
    small = statements(lambda: client.get(f"/people/{query}"))[1]  # the page built
    small_cached = statements(lambda: client.get(f"/people/{query}"))[1]  # and from the cache
    grow(54, 100)
    response, large = statements(lambda: client.get(f"/people/{query}"))
    large_cached = statements(lambda: client.get(f"/people/{query}"))[1]
    assert response.status_code == 200
    # 17: a field manager's filter by field or goal (the viewable teams' ids and the newest event: the cache's key)
    assert_constant(len(small), len(large), budget=17, what=f"/people/{query} as {viewer}")
    # session, user, roles (+ fields of a field manager), the viewable teams, the newest event, the filter's value
    assert_constant(len(small_cached), len(large_cached), budget=8, what=f"cached /people/{query} as {viewer}")
    html = response.content.decode()
    if query == "":
        assert html.count("data-person=") == PAGE_SIZE


@pytest.mark.parametrize("viewer", ["manager", "outsider"])
def test_a_person_page_sends_the_same_queries_at_any_size(client, people, team, viewer):
    client.force_login(people[viewer])
    grow(3, 0, teams_per_person=1)
    first = User.objects.get(username="bulk0")
    client.get("/people/")
    small = statements(lambda: client.get(f"/people/{first.username}/"))[1]
    grow(40, 100)
    Membership.objects.bulk_create(Membership(team=team, user=first)
                                   for team in Team.objects.filter(slug__startswith="bulk-1"))
    assert_constant(len(small), len(statements(lambda: client.get(f"/people/{first.username}/"))[1]), budget=12)
