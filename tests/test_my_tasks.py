"""My tasks (/my/tasks/): my open cards in every team I may view, grouped by due date, in constant queries."""
import datetime
import json

import pytest
from django.utils import timezone

from teams import fragments, services
from teams.board.cards import create_card, move_card, update_card
from teams.board.models import Card, Column
from teams.board.my_tasks import group_of
from teams.models import Team
from tests.board_helpers import make_cards
from tests.matrix import ROLES, may
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db

URL = "/my/tasks/"


def columns(team):
    return list(Column.objects.filter(team=team, archived=False).order_by("rank"))


def card(actor, team, title, **fields):
    return Card.objects.get(pk=create_card(actor, team, column=columns(team)[0], title=title, **fields).data["card"])


def test_groups_by_berlin_days_and_leaves_out_done_archived_and_others_cards(client, people, team):
    today = timezone.localdate()
    lead, expert = people["lead"], people["expert"]
    due = {"Late": today - datetime.timedelta(days=1), "Now": today, "Far": today + datetime.timedelta(days=30)}
    for title, day in due.items():
        card(lead, team, title, assignees=[expert], due_date=day)
    card(lead, team, "Someday <maybe", assignees=[expert])
    card(lead, team, "Not mine", assignees=[lead])
    done = card(lead, team, "Finished", assignees=[expert])
    move_card(lead, done, column=[c for c in columns(team) if c.is_done][0], version=done.version)
    client.force_login(expert)
    page = client.get(URL).content.decode()
    order = [page.index(title) for title in ("Late", "Now", "Far", "Someday &lt;maybe")]
    assert order == sorted(order) and "Someday <maybe" not in page
    assert 'data-group="overdue"' in page and 'data-group="today"' in page and 'data-group="none"' in page
    assert "Not mine" not in page and "Finished" not in page
    assert f"/teams/{team.slug}/board/cards/" in page and team.name in page
    assert 'href="/my/tasks/"' in page  # in the site's navigation


def test_week_ends_on_sunday():
    monday = datetime.date(2026, 11, 30)
    assert group_of(monday + datetime.timedelta(days=6), monday) == "week"
    assert group_of(monday + datetime.timedelta(days=7), monday) == "later"
    sunday = monday + datetime.timedelta(days=6)
    assert group_of(sunday + datetime.timedelta(days=1), sunday) == "later"
    assert group_of(None, monday) == "none"


@pytest.mark.parametrize("role", ROLES)
def test_a_card_shows_only_to_an_assignee_who_may_view_its_team(client, people, team, role):
    """The matrix's "view" column decides: a card assigned to someone who may not view the team (written past
    the service, as for a member removed since) never shows."""
    task = card(people["lead"], team, "Matrix task")
    Card.assignees.through.objects.create(card=task, user=people[role])
    client.force_login(people[role])
    response = client.get(URL)
    assert response.status_code == 200
    assert ("Matrix task" in response.content.decode()) is may(role, "view")


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_htmx_refresh_is_the_list_only(client, people, team):
    card(people["lead"], team, "Fragment", assignees=[people["expert"]])
    client.force_login(people["expert"])
    page = client.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert "Fragment" in page and "<html" not in page


def count_queries(client):
    client.get(URL)  # warm the per-process caches first
    fragments.renew_all()  # the page is built, not read from the fragment cache: bulk-made cards are no events
    response, sql = statements(lambda: client.get(URL))
    assert response.status_code == 200
    return len(sql), response.content.decode()


def test_constant_queries_as_cards_and_teams_grow(client, people, make_team):
    expert = people["expert"]
    client.force_login(expert)
    first = make_team(name="First")
    make_cards(first, 6, people["lead"])
    small, page = count_queries(client)
    assert page.count('<li class="task"') == Card.objects.filter(assignees=expert, column__is_done=False).count()
    for n in range(4):
        make_cards(make_team(name=f"More {n}"), 300, people["lead"])
    for task in Card.objects.filter(assignees=expert)[:50]:
        update_card(people["lead"], task, version=task.version, due_date=timezone.localdate())
    large, page = count_queries(client)
    assert page.count('<li class="task"') == Card.objects.filter(assignees=expert, column__is_done=False).count() > 200
    assert_constant(small, large, 12, "My tasks at 1 team and 6 cards and at 5 teams and 1,206 cards")
    print(f"\nmy tasks: {small} queries small, {large} large")


def config_teams(page):
    script = page.split('id="my-tasks-config" type="application/json">', 1)[1].split("</script>", 1)[0]
    return json.loads(script)["teams"]


def test_a_closed_teams_cards_are_nobodys_tasks_and_leave_a_page_read_before(client, people, make_team):
    """A concluded or archived team's board is never worked on again (no status leads back): its cards leave the
    list, from the cached page too (the conclusion is an event of the team), and its socket is not opened. A team
    past its end date still runs (read-only until it is extended or concluded): its cards stay."""
    expert, manager = people["expert"], people["manager"]
    concluded, archived, ended = make_team(name="Concluded"), make_team(name="Archived"), make_team(name="Ended")
    for team in (concluded, archived, ended):
        card(people["lead"], team, f"Task of {team.name}", assignees=[expert])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Team.objects.filter(pk=ended.pk).update(start_date=yesterday, end_date=yesterday)  # no service sets a past end
    client.force_login(expert)
    before = client.get(URL).content.decode()
    assert all(f"Task of {name}" in before for name in ("Concluded", "Archived", "Ended"))
    services.conclude_team(manager, concluded)
    services.conclude_team(manager, archived)
    services.archive_team(manager, archived)
    after = client.get(URL).content.decode()
    assert "Task of Concluded" not in after and "Task of Archived" not in after
    assert "Task of Ended" in after and 'data-group="none"' in after
    assert set(config_teams(after)) == {ended.slug}
