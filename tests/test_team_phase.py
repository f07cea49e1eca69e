"""One definition of a team's phase (11.20): active, proposed, ended by date, concluded, archived.

The directory filter, the badges, "days left", "overdue", Progress, Review, the desk and the
reports all say the same about a team; an ended or concluded team has no days left and nothing overdue.
"""
import datetime
import re

import pytest
from django.utils import timezone

from teams import selectors
from teams import services as team_services
from teams.board.cards import create_card
from teams.board.models import Column
from teams.models import StrategicGoal, Team
from teams.review import health as review_health
from teams.review import rollups as review_rollups
from tests.test_report_language import report

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def overdue_card(people, team):
    column = Column.objects.filter(team=team, archived=False, is_done=False).order_by("rank").first()
    create_card(people["lead"], team, column=column, title="Late", due_date=TODAY - datetime.timedelta(days=3))


@pytest.fixture
def three(make_team, people):
    """An active team, one past its end date (status still "active") and a concluded one, each with an overdue task."""
    active, ended, concluded = make_team(name="Alpha"), make_team(name="Bravo"), make_team(name="Charlie")
    for team in (active, ended, concluded):
        overdue_card(people, team)
    Team.objects.filter(pk=ended.pk).update(start_date=TODAY - datetime.timedelta(days=90),
                                            end_date=TODAY - datetime.timedelta(days=1))
    team_services.conclude_team(people["manager"], concluded)
    return {"active": active, "ended": Team.objects.get(pk=ended.pk), "concluded": Team.objects.get(pk=concluded.pk)}


def badge(html, team):
    card = html.split(f'data-team="{team.slug}"', 1)[1]
    return re.search(r'class="badge[^"]*">([^<]*)<', card).group(1)


def test_the_phase_of_each_team(three):
    assert [three[k].phase for k in ("active", "ended", "concluded")] == ["active", "ended", "concluded"]
    assert [three[k].days_left for k in ("active", "ended", "concluded")] == [100, None, None]


def test_the_directory_filter_agrees_with_the_badges(client, people, three):
    client.force_login(people["expert"])
    for phase, label in [("active", "Active"), ("ended", "Ended"), ("concluded", "Concluded")]:
        html = client.get(f"/teams/?status={phase}").content.decode()
        listed = set(re.findall(r'data-team="([^"]+)"', html))
        assert listed == {three[phase].slug}, phase
        assert badge(html, three[phase]) == label


def test_my_teams_and_the_directory_list_active_teams_first(client, people, three):
    assert [t.name for t in selectors.my_teams(people["expert"])] == ["Alpha", "Bravo", "Charlie"]
    client.force_login(people["expert"])
    html = client.get("/teams/").content.decode()
    assert re.findall(r'data-team="([^"]+)"', html) == [three[k].slug for k in ("active", "ended", "concluded")]


def test_no_days_left_on_the_cards_and_team_pages_of_ended_and_concluded_teams(client, people, three):
    client.force_login(people["expert"])
    my = client.get("/my/").content.decode()
    assert my.count("days left") == 1 and "100 days left" in my
    for phase in ("ended", "concluded"):
        page = client.get(f"/teams/{three[phase].slug}/").content.decode()
        assert "days left" not in page and "day left" not in page, phase


def test_progress_shows_no_days_left_or_overdue_for_ended_and_concluded_teams(client, people, three):
    client.force_login(people["lead"])
    active = client.get(f"/teams/{three['active'].slug}/review/").content.decode()
    assert "days left" in active and re.search(r"<strong>1</strong> overdue", active)
    for phase in ("ended", "concluded"):
        page = client.get(f"/teams/{three[phase].slug}/review/").content.decode()
        assert "days left" not in page and " overdue<" not in page, phase


def health_row(html, team):
    row = html.split(f'<tr data-team="{team.slug}"', 1)[1].split("</tr>", 1)[0]
    return [re.sub(r"<[^>]+>", " ", cell).split()[0] if re.sub(r"<[^>]+>", " ", cell).split() else ""
            for cell in re.findall(r'<td class="num[^"]*">(.*?)</td>', row, re.S)]


def test_review_and_the_desk_count_no_overdue_for_ended_and_concluded_teams(client, people, three):
    client.force_login(people["advisor"])
    overview = client.get("/review/").content.decode()
    assert health_row(overview, three["active"])[:3] == ["100", "0", "1"]  # days left, done, overdue
    assert health_row(overview, three["ended"])[0] == "ended" and health_row(overview, three["ended"])[2] == "–"
    assert health_row(overview, three["concluded"])[0] == "–" and health_row(overview, three["concluded"])[2] == "–"
    desk = review_health.desk(review_health.desk_teams(people["field_manager"]))
    assert desk.overdue_total == 1  # the active team's one task; the ended team's no longer counts
    client.force_login(people["field_manager"])
    assert '<strong id="overdue-count">1</strong>' in client.get("/desk/").content.decode()


@pytest.mark.parametrize("format", ["csv", "pdf"])
def test_reports_show_no_days_left_or_overdue_for_ended_and_concluded_teams(people, three, format):
    text = report(people["advisor"], None, format)
    if format == "csv":
        rows = {line.split(",")[0]: line.split(",") for line in text.splitlines()}
        assert rows["Alpha"][1] == "Active" and rows["Alpha"][4] == "100" and rows["Alpha"][10] == "1"
        assert rows["Bravo"][1] == "Ended" and rows["Bravo"][4] == "" and rows["Bravo"][10] == ""
        assert rows["Charlie"][1] == "Concluded" and rows["Charlie"][4] == "" and rows["Charlie"][10] == ""
    else:
        assert re.search(r"Alpha Active \S+ 100 ", text) and re.search(r"Bravo Ended \S+ 3a 3b", text)
        assert re.search(r"Charlie Concluded \S+ 3a 3b", text)


# My teams (11.23) ------------------------------------------------------------------------------

def test_my_teams_lists_running_teams_before_a_concluded_one_that_ended_earlier(people, make_team):
    early = make_team(name="Aardvark", end_date=TODAY + datetime.timedelta(days=5))
    make_team(name="Zebra", end_date=TODAY + datetime.timedelta(days=200))
    make_team(name="Yak", end_date=TODAY + datetime.timedelta(days=300))
    team_services.conclude_team(people["manager"], early)
    assert [t.name for t in selectors.my_teams(people["expert"])] == ["Zebra", "Yak", "Aardvark"]


@pytest.mark.parametrize("language", ["en", "de"])
def test_my_teams_without_teams_speaks_to_each_role(client, people, language):
    def empty_text(user):
        client.force_login(user)
        html = client.get("/my/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split('id="no-teams">', 1)[1].split("</p>")[0]))

    ask = {"en": "ask to join", "de": "Beitritt"}[language]
    manager = empty_text(people["manager"])
    assert ask not in manager
    assert {"en": "you launch them", "de": "Sie starten Thementeams"}[language] in manager
    client.force_login(people["manager"])
    assert 'href="/teams/launch/"' in client.get("/my/").content.decode().split('id="no-teams">', 1)[1]
    advisor = empty_text(people["advisor"])
    assert ask not in advisor and {"en": "you may read every team", "de": "jedes Thementeam lesen"}[language] in advisor
    assert ask in empty_text(people["expert"])


def test_a_goal_only_an_ended_team_worked_on_is_a_goal_nobody_works_on(people, make_team):
    ended = make_team(name="Bravo", goals=list(StrategicGoal.objects.filter(code="1a")))
    Team.objects.filter(pk=ended.pk).update(start_date=TODAY - datetime.timedelta(days=90),
                                            end_date=TODAY - datetime.timedelta(days=1))
    make_team(name="Alpha", goals=list(StrategicGoal.objects.filter(code="2a")))
    review = review_rollups.review(people["advisor"])
    unworked = {g.code for g in review.unworked_goals}
    assert "1a" in unworked and "2a" not in unworked
    (row,) = [r for r in review.goals if r.key == "1a"]
    assert row.team_count == 1 and row.running_count == 0
