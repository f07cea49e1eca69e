"""Suggested experts (teams/people/suggestions.py): in a directory of 200 people (bulk-made), who ranks first by
keywords, by past teams' goals, by field of action; members, inactive people and teams the viewer may not view
never count; a constant number of queries. Then the two forms that show them: invite and launch."""
import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from teams import services
from teams.demo import EXPERTISE, load_demo
from teams.models import FieldOfAction, Membership, Profile, StrategicGoal, Team
from teams.people.models import Expertise, Keyword
from teams.people.services import set_expertise
from teams.people.suggestions import (
    IN_FIELD,
    KEYWORD_IN_GOAL,
    KEYWORD_IN_TEXT,
    SHARED_GOAL,
    mentions,
    suggest,
    suggest_for_team,
)
from tests.conftest import make_user, team_data
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db

NOISE = ["Marketing", "Vertrieb", "Controlling", "Logopädie", "Zahnmedizin", "Radiologie", "Buchhaltung", "HR"]


def goals(*codes):
    return list(StrategicGoal.objects.filter(code__in=codes))


def fields(*codes):
    return list(FieldOfAction.objects.filter(code__in=codes))


def seed_directory(count, start=0):
    """`count` people, bulk-made: an organisation-less profile each, three keywords that match no goal, and every
    tenth of them "data" (which 3c's title holds: three points each, the crowd the expert must beat)."""
    User.objects.bulk_create([User(username=f"p{n}", first_name="Person", last_name=f"{n:04d}")
                              for n in range(start, start + count)])
    users = list(User.objects.filter(username__in=[f"p{n}" for n in range(start, start + count)]))
    Profile.objects.bulk_create(Profile(user=user) for user in users)
    profiles = list(Profile.objects.filter(user__in=users).order_by("pk"))
    labels = [*NOISE, "data"]
    Keyword.objects.bulk_create([Keyword(key=label.casefold(), label=label) for label in labels], ignore_conflicts=True)
    keywords = {keyword.label: keyword for keyword in Keyword.objects.filter(label__in=labels)}
    Expertise.objects.bulk_create(
        Expertise(profile=profile, keyword=keywords[label], position=k)
        for i, profile in enumerate(profiles)
        for k, label in enumerate([NOISE[i % 8], NOISE[(i + 3) % 8]] + (["data"] if i % 10 == 0 else [])))
    return users


def a_team(manager, name, goal_codes, field_codes, status=Team.Status.ACTIVE, members=()):
    team = services.launch_new_team(manager, **team_data(name=name, goals=goals(*goal_codes),
                                                        fields_of_action=fields(*field_codes)))
    Membership.objects.bulk_create(Membership(team=team, user=user) for user in members)
    Team.objects.filter(pk=team.pk).update(status=status)
    return team


def ranked(viewer, **kwargs):
    return [s.user.username for s in suggest(viewer, **kwargs)]


def test_mentions_whole_words_for_short_keywords_parts_for_longer_ones():
    text = "daten für die qualitätsverbesserung im gesundheitswesen | make data available | pflegekräfte"
    assert mentions(text, "data") and mentions(text, "pflege") and mentions(text, "qualität")
    assert not mentions(text, "dat") and not mentions(text, "ki") and not mentions(text, "wesen im")


def test_the_expert_whose_keywords_match_the_goals_ranks_first_among_200(people):
    manager = people["manager"]
    crowd = seed_directory(200)
    expert = make_user("erika")
    set_expertise(expert, expert, keywords=["Interoperabilität", "data integration", "Qualitätsverbesserung",
                                            "Marketing"])
    # The strongest rival: "data" (3), was in a team on both goals (2 × 2), manages the field (1): 8 < 9.
    rival = crowd[0]
    a_team(manager, "Old data team", ["3b", "3c"], ["LST"], Team.Status.CONCLUDED, members=[rival])
    Profile.objects.get(user=rival).fields_of_action.set(fields("LST"))

    suggestions = suggest(manager, goals=goals("3b", "3c"), fields=fields("LST"))
    assert [s.user.username for s in suggestions[:2]] == ["erika", rival.username]
    first = suggestions[0]
    assert first.score == 3 * KEYWORD_IN_GOAL
    assert first.keywords == ["Interoperabilität", "data integration", "Qualitätsverbesserung"]
    second = suggestions[1]
    assert second.score == KEYWORD_IN_GOAL + 2 * SHARED_GOAL + IN_FIELD
    assert (second.goals, second.teams, [f.code for f in second.fields]) == (["3b", "3c"], ["Old data team"], ["LST"])
    # Then the crowd holding "data", earliest account first.
    assert all(s.score == KEYWORD_IN_GOAL and s.keywords == ["data"] for s in suggestions[2:])
    assert len(suggestions) == 8


def test_keywords_match_german_titles_and_then_the_team_text(people):
    expert = make_user("erika")
    set_expertise(expert, expert, keywords=["Pflege", "FHIR"])
    result = suggest(people["manager"], goals=goals("4b"), fields=[], text="FHIR profiles for Brandenburg")
    assert result[0].user == expert and result[0].score == KEYWORD_IN_GOAL + KEYWORD_IN_TEXT


def test_past_teams_goals_rank(people):
    manager = people["manager"]
    crowd = seed_directory(200)
    veteran, newcomer = crowd[5], crowd[6]
    a_team(manager, "Global health 2022", ["7c", "7d"], ["IC"], Team.Status.ARCHIVED, members=[veteran])
    a_team(manager, "Global networks", ["7d"], ["IC"], Team.Status.ACTIVE, members=[newcomer])
    a_team(manager, "Something else", ["1a"], ["LST"], Team.Status.ACTIVE, members=crowd[10:40])
    result = suggest(manager, goals=goals("7c", "7d"), fields=[])
    assert [s.user for s in result[:2]] == [veteran, newcomer]
    assert [s.score for s in result[:2]] == [2 * SHARED_GOAL, SHARED_GOAL]
    assert len(result) == 2  # nobody else has anything to do with 7c or 7d


def test_teams_the_viewer_may_not_view_do_not_count(people, team):
    veteran = make_user("veteran")
    a_team(people["manager"], "Hidden 7d team", ["7d"], ["IC"], members=[veteran])
    lead = people["lead"]  # leads "Data Spaces" only
    assert ranked(lead, goals=goals("7d"), fields=fields("IC"), team=team) == ["othermanager"]  # IC's manager
    assert ranked(people["manager"], goals=goals("7d"), fields=fields("IC"), team=team)[0] == "veteran"


def test_fields_of_action_rank(people):
    manager = people["manager"]
    crowd = seed_directory(200)
    worker = crowd[7]
    a_team(manager, "Care team", ["1a"], ["IC"], members=[worker])
    result = suggest(manager, goals=[], fields=fields("IC"))
    # The IC field manager and the member of an IC team, one point each; no one from LST.
    assert {s.user.username for s in result} == {"othermanager", worker.username}
    assert {s.score for s in result} == {IN_FIELD}


def test_members_inactive_people_and_the_viewer_are_never_suggested(people, team):
    ideal = ["Interoperabilität", "data integration"]
    for username in ("expert", "manager"):
        set_expertise(people[username], people[username], keywords=ideal)
    gone = make_user("gone")
    set_expertise(gone, gone, keywords=ideal)
    gone.is_active = False
    gone.save()
    stranger = make_user("stranger")
    set_expertise(stranger, stranger, keywords=ideal)
    for_team = ranked(people["manager"], goals=team.goals.all(), fields=[], team=team)
    assert for_team == ["stranger"]  # not the member, not the inactive one, not the viewer
    # At launch there is no team yet: the members of "Data Spaces" count by its goals, below the expert's keywords.
    at_launch = ranked(people["manager"], goals=team.goals.all(), fields=[], exclude=[stranger.pk])
    assert at_launch == ["expert", "lead", "observer", "supporter"]
    # Seen by the lead, cluster management's own person is one more non-member (tied: the earlier account first).
    assert [s.user.username for s in suggest_for_team(people["lead"], team)][:2] == ["manager", "stranger"]
    # A past member who left is suggested again; one who asked to join (not yet a member) too.
    Membership.objects.filter(team=team, user=people["expert"]).delete()
    assert "expert" in ranked(people["manager"], goals=team.goals.all(), fields=[], team=team)


@pytest.mark.parametrize("viewer", ["manager", "lead", "supporter"])
def test_suggestions_send_the_same_queries_for_20_and_200_people(people, team, viewer):
    manager = people["manager"]
    crowd = seed_directory(20)
    a_team(manager, "Past 3a", ["3a"], ["LST"], Team.Status.CONCLUDED, members=crowd[:5])
    team = Team.objects.get(pk=team.pk)

    def fresh():  # as in a request: the viewer's roles not yet read
        return User.objects.get(pk=people[viewer].pk)

    small = statements(lambda: suggest_for_team(fresh(), team))[1]
    crowd += seed_directory(180, start=1000)
    a_team(manager, "Past 3b", ["3b"], ["LST"], Team.Status.CONCLUDED, members=crowd[20:120])
    team = Team.objects.get(pk=team.pk)
    result, large = statements(lambda: suggest_for_team(fresh(), team))
    assert result
    assert_constant(len(small), len(large), budget=12, what=f"suggestions as {viewer}")  # with reading the viewer


def test_the_demo_people_have_keywords_that_suggest_someone_for_each_running_team():
    people_by_name, _teams = load_demo()
    for username, keywords in EXPERTISE.items():
        held = Expertise.objects.filter(profile__user__username=username).order_by("position")
        assert [e.keyword.label for e in held] == keywords
    anna = people_by_name["anna"]
    for team in Team.objects.filter(status__in=Team.RUNNING):
        assert any(s.keywords for s in suggest_for_team(anna, team)), team
    # A person's own edits survive the next load_demo.
    david = people_by_name["david"]
    set_expertise(david, david, keywords=["Kardiologie"])
    load_demo()
    assert [e.keyword.label for e in Expertise.objects.filter(profile__user=david)] == ["Kardiologie"]


# The forms ------------------------------------------------------------------------------------

def test_the_invite_form_suggests_and_one_click_invites(client, people, team):
    stranger = make_user("stranger")
    set_expertise(stranger, stranger, keywords=["Interoperabilität"])
    client.force_login(people["lead"])
    html = client.get(f"/teams/{team.slug}/members/invite/").content.decode()
    assert 'data-suggested="stranger"' in html and "Expertise: Interoperabilität." in html
    assert 'data-suggested="expert"' not in html  # a member
    # The suggestion's button is a plain POST of the person to the invite form.
    response = client.post(f"/teams/{team.slug}/members/invite/", {"user": stranger.pk, "role": "expert"})
    assert response.status_code == 302
    assert Membership.objects.get(team=team, user=stranger).role == "expert"
    assert 'data-suggested="stranger"' not in client.get(f"/teams/{team.slug}/members/invite/").content.decode()


def test_the_launch_form_suggests_as_goals_change_and_launches_with_the_ticked_experts(client, people):
    erika, felix = make_user("erika"), make_user("felix")
    set_expertise(erika, erika, keywords=["Interoperabilität"])
    set_expertise(felix, felix, keywords=["Telemedizin"])
    client.force_login(people["manager"])
    launch = client.get("/teams/launch/").content.decode()
    assert 'id="launch-experts"' in launch and 'hx-post="/people/suggestions/launch/"' in launch
    nothing = client.post("/people/suggestions/launch/", {}).content.decode()
    assert "Choose strategic goals" in nothing
    goal = StrategicGoal.objects.get(code="3b")
    html = client.post("/people/suggestions/launch/", {"goals": [goal.pk]}).content.decode()
    assert 'data-suggested="erika"' in html and 'data-suggested="felix"' not in html
    # The purpose counts too; the ticked one stays ticked and is not suggested twice; the lead is not suggested.
    html = client.post("/people/suggestions/launch/", {
        "goals": [goal.pk], "purpose": "Telemedizin für alle", "experts": [erika.pk], "lead": people["lead"].pk,
        "name": "x" * 500, "supporters": ["junk"]}).content.decode()
    assert f'value="{erika.pk}" checked' in html and 'data-suggested="erika"' not in html
    assert 'data-suggested="felix"' in html
    today = timezone.localdate()
    response = client.post("/teams/launch/", {
        "name": "Interop now", "purpose": "FHIR", "goals": [goal.pk], "fields_of_action": [fields("LST")[0].pk],
        "start_date": today.isoformat(), "end_date": (today + datetime.timedelta(days=90)).isoformat(),
        "lead": people["lead"].pk, "experts": [erika.pk, people["lead"].pk]})
    assert response.status_code == 302
    team = Team.objects.get(name="Interop now")
    assert dict(team.memberships.values_list("user__username", "role")) == {"lead": "lead", "erika": "expert"}
    assert erika.has_perm("teams.contribute_team", team)


def test_the_launch_form_refuses_an_inactive_expert_and_launches_nothing(client, people):
    gone = make_user("gone", is_active=False)
    client.force_login(people["manager"])
    today = timezone.localdate()
    response = client.post("/teams/launch/", {
        "name": "Nope", "purpose": "p", "goals": [goals("3b")[0].pk], "fields_of_action": [fields("LST")[0].pk],
        "start_date": today.isoformat(), "end_date": (today + datetime.timedelta(days=9)).isoformat(),
        "experts": [gone.pk]})
    assert response.status_code == 200 and not Team.objects.filter(name="Nope").exists()


def test_german_suggestions(client, people, team):
    stranger = make_user("stranger")
    set_expertise(stranger, stranger, keywords=["Interoperabilität"])
    client.force_login(people["lead"])
    html = client.get(f"/teams/{team.slug}/members/invite/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Vorgeschlagene Expert:innen" in html and "Expertise: Interoperabilität." in html
    assert "Stranger Tester einladen" in html
