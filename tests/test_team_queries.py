"""The foundation's list pages run the same number of SQL queries at 10 and at 500 teams.

Teams, their goal and field links, memberships and guardian permission rows are made
with bulk_create (fast); each page is then fetched at 10 teams and again at 500, and
the two query counts must be equal (and small). On a mismatch the extra SQL is shown.
"""
import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from teams import fragments, selectors
from teams.lists import DIRECTORY_PAGE_SIZE
from teams.models import FieldOfAction, Membership, StrategicGoal, Team, TeamUserObjectPermission
from teams.permissions import ROLE_PERMISSIONS
from tests.conftest import make_user
from tests.queries import statements

pytestmark = pytest.mark.django_db

STATUSES = ["active", "active", "extended", "proposed", "concluded", "archived"]


def add_teams(count, viewer, lead, start=0):
    """`count` teams in mixed states, with goals, fields, two members each and guardian rows."""
    today = timezone.localdate()
    goals = list(StrategicGoal.objects.all())
    fields = list(FieldOfAction.objects.all())
    teams = Team.objects.bulk_create([
        Team(slug=f"bulk-{i}", name=f"Bulk team {i}", purpose=f"Purpose of bulk team {i}",
             status=STATUSES[i % len(STATUSES)],
             start_date=today - datetime.timedelta(days=60 + i % 50),
             end_date=today + datetime.timedelta(days=((i + 10) % 70) - 5))  # some expired, not team 0
        for i in range(start, start + count)
    ])
    if teams[0].pk is None:  # a backend without RETURNING: read them back
        teams = list(Team.objects.filter(slug__in=[t.slug for t in teams]))
    Team.goals.through.objects.bulk_create(
        Team.goals.through(team_id=team.pk, strategicgoal_id=goals[(i + k) % len(goals)].pk)
        for i, team in enumerate(teams) for k in range(3))
    Team.fields_of_action.through.objects.bulk_create(
        Team.fields_of_action.through(team_id=team.pk, fieldofaction_id=fields[i % len(fields)].pk)
        for i, team in enumerate(teams))
    memberships = [Membership(team=team, user=lead, role=Membership.Role.LEAD) for team in teams]
    memberships += [Membership(team=team, user=viewer, role=Membership.Role.EXPERT,
                               state=Membership.State.ACTIVE if i % 5 else Membership.State.REQUESTED)
                    for i, team in enumerate(teams)]
    Membership.objects.bulk_create(memberships)
    perms = {p.codename: p for p in Permission.objects.filter(content_type__app_label="teams")}
    rows = []
    for membership in memberships:
        if membership.state == Membership.State.ACTIVE:
            rows += [TeamUserObjectPermission(user=membership.user, content_object=membership.team,
                                              permission=perms[codename])
                     for codename in ROLE_PERMISSIONS[membership.role]]
    TeamUserObjectPermission.objects.bulk_create(rows)
    return teams


def fetch(client, url, **headers):
    # The lists are built, not read from the fragment cache, in both counts: bulk-inserted teams bypass the event
    # log that its keys follow (the warm counts are checked below).
    fragments.renew_all()
    response, sql = statements(lambda: client.get(url, **headers))
    assert response.status_code == 200, url
    return response, sql


def explain(small, large):
    extra = [sql for sql in large if sql not in small] or large[len(small):]
    return f"{len(small)} queries at 10 teams, {len(large)} at 500; extra:\n" + "\n".join(extra[:10])


PAGES = {
    "directory": ("/teams/", {}),
    "directory, htmx rows": ("/teams/", {"HTTP_HX_REQUEST": "true"}),
    "directory by field": ("/teams/?field=LST", {}),
    "directory by focal area": ("/teams/?area=3", {}),
    "directory by goal": ("/teams/?goal=3b", {}),
    "directory by status": ("/teams/?status=active", {}),
    "directory by search": ("/teams/?q=bulk", {}),
    # Team 0 (and every 174th) matches: its field is the first, its goals the first three.
    "directory, all filters": ("/teams/?field=LST&area=1&goal=1a&status=active&q=bulk", {}),
    "directory, bad filter": ("/teams/?field=nope&goal=zz&status=flying", {}),
    # At 10 teams one page holds them all: page 2 and page 999 are the last page, "zz" the first.
    "directory, status, page 2": ("/teams/?status=active&page=2", {}),
    "directory, htmx, page 2": ("/teams/?page=2", {"HTTP_HX_REQUEST": "true"}),
    "directory, page 999": ("/teams/?page=999", {}),
    "directory, page zz": ("/teams/?page=zz", {}),
    "my teams": ("/my/", {}),
    "master plan": ("/masterplan/", {}),
}


def test_list_pages_run_the_same_queries_at_10_and_500_teams(client, capsys):
    viewer, lead = make_user("viewer"), make_user("teamlead")
    client.force_login(viewer)
    add_teams(10, viewer, lead)
    for url, headers in PAGES.values():  # warm-up: content types, translations, first-use caches
        client.get(url, **headers)
    # The bulk rows bypass the event log that keys the master plan's cache: it is measured as it is built.
    fragments.renew_all()
    small = {name: fetch(client, url, **headers) for name, (url, headers) in PAGES.items()}
    add_teams(490, viewer, lead, start=10)
    fragments.renew_all()
    large = {name: fetch(client, url, **headers) for name, (url, headers) in PAGES.items()}

    problems = []
    with capsys.disabled():  # the figures, for the report (visible with -s)
        print()
        for page in PAGES:
            (small_response, small_sql), (large_response, large_sql) = small[page], large[page]
            print(f"  {page:<26} {len(small_sql):>3} queries at 10 teams, {len(large_sql):>3} at 500")
            if len(small_sql) != len(large_sql):
                problems.append(f"{page}: {explain(small_sql, large_sql)}")
            if len(large_sql) > 13:  # the busiest: all filters looked up, and the COUNT for the pages
                problems.append(f"{page}: {len(large_sql)} queries:\n" + "\n".join(large_sql))
            # The same queries now carry many more teams (each page found some at 10 already).
            small_count = small_response.content.count(b"Bulk team ")
            if not 0 < small_count < large_response.content.count(b"Bulk team "):
                problems.append(f"{page}: the page did not grow from {small_count} teams")
    assert not problems, "\n\n".join(problems)

    for name in ("directory", "directory, htmx, page 2", "my teams"):  # warm: the whole list from the cache
        url, headers = PAGES[name]
        client.get(url, **headers)
        response, sql = statements(lambda url=url, headers=headers: client.get(url, **headers))
        assert response.content.count(b"Bulk team ") == large[name][0].content.count(b"Bulk team "), name
        assert len(sql) < len(large[name][1]) and len(sql) <= 5, (name, sql)
    directory = large["directory"][0].content.decode()
    assert "500 teams" in directory and "Page 1 of 20" in directory
    assert directory.count('class="team-card') == DIRECTORY_PAGE_SIZE
    my = large["my teams"][0].content.decode()
    assert my.count('class="team-card') == 400  # the viewer asked to join every fifth team
    assert "Waiting for an answer" in my
    for page, teams in [("directory by status", Team.objects.in_phase("active")),  # active or extended, not ended
                        ("directory by goal", Team.objects.filter(goals__code="3b").distinct()),
                        ("directory by focal area", Team.objects.filter(goals__focal_area__number=3).distinct())]:
        html = large[page][0].content.decode()
        assert f"{teams.count()} teams" in html, page
        assert html.count('class="team-card') == min(teams.count(), DIRECTORY_PAGE_SIZE), page
    combined = large["directory, all filters"][0].content.decode()
    assert "Bulk team 0<" in combined
    assert large["master plan"][0].content.decode().count('class="goal"') == 29


def test_directory_pages_keep_the_filters_and_tolerate_any_page_number(client):
    viewer, lead = make_user("viewer"), make_user("teamlead")
    client.force_login(viewer)
    add_teams(120, viewer, lead)
    Team.objects.filter(status=Team.Status.ARCHIVED).update(status=Team.Status.CONCLUDED)  # 40: two pages
    page_2 = client.get("/teams/?status=concluded&q=bulk&page=2").content.decode()
    assert "40 teams" in page_2 and "Page 2 of 2" in page_2
    assert page_2.count('class="team-card') == 40 - DIRECTORY_PAGE_SIZE
    assert '<nav class="pagination" aria-label="Pages of the team list">' in page_2
    assert '<a href="?status=concluded&amp;q=bulk&amp;page=1" rel="prev">' in page_2
    assert 'rel="next"' not in page_2
    page_1 = client.get("/teams/?status=concluded&q=bulk").content.decode()
    assert '<a href="?status=concluded&amp;q=bulk&amp;page=2" rel="next">' in page_1 and 'rel="prev"' not in page_1
    for junk, shown in [("zz", 1), ("0", 5), ("-1", 5), ("999", 5), ("2.5", 1), ("", 1)]:
        response = client.get(f"/teams/?page={junk}")  # get_page: the first or the last page, never an error
        assert response.status_code == 200
        assert f"Page {shown} of 5" in response.content.decode(), junk
    german = client.get("/teams/?page=2", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Seite 2 von 5" in german and ">Vorherige Seite<" in german and ">Nächste Seite<" in german
    one_page = client.get("/teams/?q=Bulk+team+7").content.decode()  # 7, 70–79: no page links
    assert "11 teams" in one_page and 'class="pagination"' not in one_page


@pytest.mark.parametrize("members", [3, 60])
def test_team_page_queries_do_not_grow_with_members(client, people, team, members, django_assert_max_num_queries):
    lead = people["lead"]
    extra = [make_user(f"member{i}") for i in range(members)]
    Membership.objects.bulk_create(Membership(team=team, user=user, role=Membership.Role.EXPERT) for user in extra)
    client.force_login(lead)
    client.get(f"/teams/{team.slug}/")
    with django_assert_max_num_queries(16):
        response = client.get(f"/teams/{team.slug}/")
    assert response.content.decode().count('data-user="member') == members


@pytest.mark.django_db
def test_my_teams_counts_every_member_not_only_me(people, team):
    (listed,) = selectors.my_teams(people["expert"])
    assert listed.member_count == 4  # lead, supporter, expert, observer
