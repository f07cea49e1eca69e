"""Roll-ups checked against a hand-counted cluster, and constant SQL as the cluster grows."""
import datetime
import re

import pytest
from django.utils import timezone

from teams.models import FieldOfAction, Membership, StrategicGoal, Team
from teams.review import health, rollups
from teams.review.models import Output
from tests.conftest import make_user
from tests.queries import assert_constant, statements
from tests.review_helpers import cards, columns, days


def goals(*codes):
    return list(StrategicGoal.objects.filter(code__in=codes))


@pytest.fixture
def cluster(people, make_team):
    """Goal 3a: 3 teams, 40 tasks (13 done, 27 open, 4 of them overdue), 5 delivered outputs."""
    a = make_team(name="A", goals=goals("3a"))
    b = make_team(name="B", goals=goals("3a", "3b"))
    c = make_team(name="C", goals=goals("3a"), fields_of_action=list(FieldOfAction.objects.filter(code="IC")))
    other = make_team(name="Other", goals=goals("5a"))
    plan = {a: (5, 10, 2), b: (6, 9, 1), c: (2, 8, 1)}  # done, open, overdue-among-open
    for team, (done, open_, overdue) in plan.items():
        todo, finished = columns(team)
        cards(team, finished, done, due=days(-3))  # done and past due: not overdue
        cards(team, todo, overdue, due=days(-1))
        cards(team, todo, open_ - overdue, due=days(10))
        cards(team, todo, 3, archived=True)  # archived: not counted
    todo, finished = columns(other)
    cards(other, finished, 7)
    for team, delivered, planned in ((a, 2, 1), (b, 2, 0), (c, 1, 2)):
        for i in range(delivered):
            Output.objects.create(team=team, kind="position", title=f"{team.name} paper {i}",
                                  status="done").goals.set(goals("3a"))
        for i in range(planned):
            Output.objects.create(team=team, kind="event", title=f"{team.name} event {i}",
                                  status="planned").goals.set(goals("3a"))
    Output.objects.create(team=other, kind="concept", title="Other concept", status="done").goals.set(goals("5a"))
    return {"a": a, "b": b, "c": c, "other": other}


@pytest.mark.django_db
def test_rollup_per_goal_matches_the_hand_count(people, cluster):
    review = rollups.review(people["advisor"])
    goal = next(r for r in review.goals if r.key == "3a")
    assert goal.team_count == 3
    assert (goal.tasks_done, goal.tasks_open, goal.tasks_total) == (13, 27, 40)
    assert goal.outputs_done == 5
    three_b = next(r for r in review.goals if r.key == "3b")
    assert (three_b.team_count, three_b.tasks_total, three_b.outputs_done) == (1, 15, 0)
    five_a = next(r for r in review.goals if r.key == "5a")
    assert (five_a.team_count, five_a.tasks_done, five_a.outputs_done) == (1, 7, 1)
    # Per team.
    rows = {t.name: t for t in review.teams}
    a = rows["A"]
    assert (a.tasks_done, a.tasks_open, a.tasks_overdue, a.outputs_done) == (5, 10, 2, 2)
    assert (rows["C"].tasks_overdue, rows["C"].outputs_total) == (1, 3)
    # Per focal area 3 (goals 3a, 3b): teams A, B, C once each.
    area = next(r for r in review.areas if r.key == "3")
    assert (area.team_count, area.tasks_total, area.outputs_done) == (3, 40, 5)
    # Per field: C is Innovative Care, the others Life Sciences.
    fields = {r.key: r for r in review.fields}
    assert (fields["IC"].team_count, fields["IC"].tasks_total, fields["IC"].outputs_done) == (1, 10, 1)
    assert (fields["LST"].team_count, fields["LST"].tasks_total, fields["LST"].outputs_done) == (3, 37, 5)
    # Time used vs left: every team started 10 days ago and ends in 100 days.
    assert (goal.days_used, goal.days_remaining) == (30, 300)


@pytest.mark.django_db
def test_goals_nobody_works_on(people, cluster, client):
    review = rollups.review(people["advisor"])
    unworked = {g.code for g in review.unworked_goals}
    assert {"3a", "3b", "5a"}.isdisjoint(unworked)
    assert len(unworked) == 29 - 3
    client.force_login(people["advisor"])
    page = client.get("/review/unworked-goals/").content.decode()
    assert 'data-goal="1a"' in page and 'data-goal="3a"' not in page


@pytest.mark.django_db
def test_desk_flags_ending_silent_overdue_and_requests(people, make_team):
    ending = make_team(name="Ending", end_date=days(20))
    silent = make_team(name="Silent")
    Team.objects.filter(pk=silent.pk).update(last_activity_at=timezone.now() - datetime.timedelta(days=15))
    from teams import membership as membership_services
    membership_services.request_to_join(make_user("keen"), ending, message="me!")
    todo, _done = columns(ending)
    cards(ending, todo, 3, due=days(-2))
    desk = health.desk(health.desk_teams(people["field_manager"]))
    assert [t.name for t in desk.ending_soon] == ["Ending"]
    assert [t.name for t in desk.silent] == ["Silent"]
    assert [t.name for t in desk.with_requests] == ["Ending"]
    assert desk.overdue_total == 3
    assert {t.name for t in health.desk(health.desk_teams(people["other_field_manager"])).teams} == set()


def grow(n, people):
    """n more running LST teams with members, columns, cards and outputs, made in bulk."""
    from teams.board.models import Card, Column

    today = timezone.localdate()
    start = Team.objects.count()
    teams = Team.objects.bulk_create([
        Team(slug=f"bulk-{start + i}", name=f"Bulk {start + i}", purpose="x", status="active",
             start_date=today - datetime.timedelta(days=5), end_date=today + datetime.timedelta(days=20 + i))
        for i in range(n)])
    lst = FieldOfAction.objects.get(code="LST")
    goal = StrategicGoal.objects.get(code="2a")
    Team.goals.through.objects.bulk_create([Team.goals.through(team=t, strategicgoal=goal) for t in teams])
    Team.fields_of_action.through.objects.bulk_create(
        [Team.fields_of_action.through(team=t, fieldofaction=lst) for t in teams])
    Membership.objects.bulk_create([Membership(team=t, user=people["lead"], role="lead") for t in teams])
    cols = Column.objects.bulk_create([Column(team=t, name="Done", rank="a", is_done=True) for t in teams])
    Card.objects.bulk_create([Card(team=t, column=c, rank=f"{k}", title="t", due_date=today - datetime.timedelta(1))
                              for t, c in zip(teams, cols) for k in range(3)])
    Output.objects.bulk_create([Output(team=t, kind="event", title="e", status="done") for t in teams])


# Statements, at any number of teams (review: + 1 for contributions; desk: + 2 for its fragment's key, the viewer's
# teams at their seqs and the newest event, when it builds the fragment; the same 2 instead of the build once cached).
PAGE_BUDGET = {"/desk/": 10, "/review/": 15}
WARM_BUDGET = {"/desk/": 7}


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGE_BUDGET)
@pytest.mark.parametrize("role", ["field_manager", "advisor", "manager"])
def test_pages_run_constant_queries_from_5_to_200_teams(client, people, make_team, url, role):
    for i in range(5):
        make_team(name=f"Team {i}")
    client.force_login(people[role])

    def count():
        response, sql = statements(lambda: client.get(url))
        assert response.status_code == 200
        return len(sql), re.sub(r'[A-Za-z0-9]{64}', "token", response.content.decode())  # a masked token each time

    small, page = count()
    assert page.count("<tr data-team=") >= 5
    warm_small, warm_page = count()
    assert warm_page == page
    grow(195, people)  # new teams: a new key, so the desk is built again
    large, page = count()
    assert page.count("<tr data-team=") >= 200
    warm_large, warm_page = count()
    assert warm_page == page
    assert_constant(small, large, PAGE_BUDGET[url], f"{url} at 5 and at 200 teams")
    assert_constant(warm_small, warm_large, WARM_BUDGET.get(url, PAGE_BUDGET[url]), f"{url} again, at 5 and 200")
    print(f"{url} as {role}: {large} queries at 5 and at 200 teams, {warm_large} the second time")
