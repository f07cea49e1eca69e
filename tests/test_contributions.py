"""What members contribute (teams.contributions): each member states their own (hours a month, facilities, data,
funding, network), nobody edits someone else's; shown on the team page, summed per team on the review pages, a team
event when it changes; hostile input is a clear error and writes nothing; the pages' queries stay constant."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from teams import membership as membership_services
from teams.activity import describe
from teams.contributions import selectors
from teams.contributions.models import Contribution
from teams.contributions.services import state_contribution
from teams.models import Event, Membership, Team
from tests.conftest import make_user
from tests.matrix import ROLES, VISITORS, account_rule
from tests.queries import assert_constant, statements

pytestmark = pytest.mark.django_db

FULL = {"hours_per_month": "12", "facilities": "Simulation lab at the Charité", "data": "",
        "funding": "EFRE co-financing", "network": "Hospital CIOs in Brandenburg"}


def url(team, membership):
    return f"/teams/{team.slug}/members/{membership.pk}/contribution/"


def state(actor, membership, **values):
    return state_contribution(actor, membership, **{"hours_per_month": 0, **values})


def rows():
    return list(Contribution.objects.order_by("pk").values())


def events(team):
    return Event.objects.filter(team=team).count()


def someone_elses(team, people, role):
    """Another member's membership than the role's own (the observer's, or the expert's for the observer)."""
    return Membership.objects.get(team=team, user=people["expert" if role == "observer" else "observer"])


@pytest.mark.parametrize("role", VISITORS)
def test_who_may_state_their_own_contribution_over_http(client, people, team, role):
    if role != "anonymous":
        client.force_login(people[role])
    own = Membership.objects.filter(team=team, user=people.get(role)).first() if role != "anonymous" else None
    target = own or Membership.objects.get(team=team, user=people["expert"])
    before = events(team)
    response = client.post(url(team, target), FULL)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    elif account_rule(role, "state_own_contribution"):
        assert response.status_code == 302, response.content[:300]
        contribution = Contribution.objects.get(membership=own)
        assert contribution.hours_per_month == 12 and contribution.funding == "EFRE co-financing"
        assert Event.objects.filter(team=team, kind="contribution.changed").count() == 1
        return
    else:
        assert own is None
        assert response.status_code == 403
    assert not Contribution.objects.exists() and events(team) == before


@pytest.mark.parametrize("role", ROLES)
def test_nobody_edits_someone_elses_contribution(client, people, team, role):
    assert not account_rule(role, "edit_others_contribution")
    other = someone_elses(team, people, role)
    state(other.user, other, hours_per_month=3, data="Registry data")
    before, seq = rows(), events(team)
    client.force_login(people[role])
    assert client.get(url(team, other)).status_code == 403
    response = client.post(url(team, other), FULL)
    assert response.status_code == 403
    assert "Each member states their own contribution; nobody edits someone else" in response.content.decode()
    with pytest.raises(PermissionDenied):
        state(people[role], other, hours_per_month=50)
    assert rows() == before and events(team) == seq


def test_the_own_form_shows_what_was_stated_and_only_a_change_is_an_event(client, people, team):
    expert = Membership.objects.get(team=team, user=people["expert"])
    client.force_login(people["expert"])
    assert "Hours per month" in client.get(url(team, expert)).content.decode()
    client.post(url(team, expert), FULL)
    page = client.get(url(team, expert)).content.decode()
    assert "Simulation lab at the Charité" in page and 'value="12"' in page
    seq = events(team)
    response = client.post(url(team, expert), FULL, follow=True)
    assert "Nothing changed." in response.content.decode() and events(team) == seq
    client.post(url(team, expert), {**FULL, "hours_per_month": ""})  # left empty: none
    assert Contribution.objects.get(membership=expert).hours_per_month == 0 and events(team) == seq + 1


@pytest.mark.parametrize("hours", ["-1", "201", "1.5", "abc", "99999999999999999999", "1e3", " 12 0", "\x00"])
def test_bad_hours_are_a_clear_error_and_nothing_is_written(client, people, team, hours):
    expert = Membership.objects.get(team=team, user=people["expert"])
    client.force_login(people["expert"])
    response = client.post(url(team, expert), {**FULL, "hours_per_month": hours})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not Contribution.objects.exists() and not Event.objects.filter(kind="contribution.changed").exists()


@pytest.mark.parametrize("field", ["facilities", "data", "funding", "network"])
@pytest.mark.parametrize("text, message", [("x" * 10_000, "Ensure this value has at most 300 characters"),
                                           ("x" * 301, "Ensure this value has at most 300 characters"),
                                           ("lab\x00", "Null characters are not allowed.")])
def test_long_or_broken_texts_are_a_clear_error(client, people, team, field, text, message):
    expert = Membership.objects.get(team=team, user=people["expert"])
    client.force_login(people["expert"])
    response = client.post(url(team, expert), {**FULL, field: text})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("values, field", [
    ({"hours_per_month": "5"}, "hours_per_month"), ({"hours_per_month": 5.0}, "hours_per_month"),
    ({"hours_per_month": True}, "hours_per_month"), ({"hours_per_month": None}, "hours_per_month"),
    ({"hours_per_month": -1}, "hours_per_month"), ({"hours_per_month": 10**20}, "hours_per_month"),
    ({"facilities": "\ud800"}, "facilities"), ({"data": "ok\udfff"}, "data"), ({"funding": 7}, "funding"),
    ({"network": ["a"]}, "network"), ({"network": "n" * 301}, "network"),
])
def test_the_service_refuses_wrong_types_and_surrogates(people, team, values, field):
    expert = Membership.objects.get(team=team, user=people["expert"])
    with pytest.raises(ValidationError) as refused:
        state_contribution(people["expert"], expert, **{"hours_per_month": 1, **values})
    assert field in refused.value.message_dict
    assert not Contribution.objects.exists() and not Event.objects.filter(kind="contribution.changed").exists()


def test_an_ended_team_takes_no_contribution(client, people, team):
    Team.objects.filter(pk=team.pk).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    expert = Membership.objects.get(team=team, user=people["expert"])
    client.force_login(people["expert"])
    assert client.post(url(team, expert), FULL).status_code == 403
    assert 'data-edit-contribution' not in client.get(f"/teams/{team.slug}/").content.decode()
    assert not Contribution.objects.exists()


def test_the_team_page_shows_each_members_contribution_to_those_who_see_the_team(client, people, team):
    expert = Membership.objects.get(team=team, user=people["expert"])
    state(people["expert"], expert, hours_per_month=12, facilities="Simulation <lab>", network="CIO circle")
    client.force_login(people["lead"])
    page = client.get(f"/teams/{team.slug}/").content.decode()
    line = page[page.index('data-user="expert"'):]
    line = line[:line.index("</li>")]
    assert "12 hours a month · Facilities · Network" in line and "Simulation &lt;lab&gt;" in line
    assert "data-edit-contribution" not in line  # someone else's: no edit link
    mine = page[page.index('data-user="lead"'):]
    assert "State what you contribute" in mine[:mine.index("</li>")]
    german = client.get(f"/teams/{team.slug}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "12 Stunden im Monat · Infrastruktur · Netzwerk" in german
    assert "hat den eigenen Beitrag zum Thementeam aktualisiert" in german  # recent activity
    client.force_login(people["outsider"])  # the public card: members, not what they bring
    assert "Simulation" not in client.get(f"/teams/{team.slug}/").content.decode()


def test_the_change_is_a_team_event_with_a_sentence(people, team):
    expert = Membership.objects.get(team=team, user=people["expert"])
    event = state(people["expert"], expert, hours_per_month=4, data="Registry")
    assert event.kind == "contribution.changed" and event.actor == people["expert"]
    assert event.data == {"user": people["expert"].pk, "name": "Expert Tester", "hours_per_month": 4,
                          "offers": ["data"]}
    assert describe(event) == "updated what they contribute to the team"
    assert state(people["expert"], expert, hours_per_month=4, data="Registry") is None  # unchanged: no event


def test_leaving_takes_the_contribution_with_it(people, team):
    expert = Membership.objects.get(team=team, user=people["expert"])
    state(people["expert"], expert, hours_per_month=8)
    membership_services.remove_member(people["expert"], expert)
    assert not Contribution.objects.exists()


def test_totals_per_team_count_active_members_only(people, team, make_team):
    other = make_team(name="Quiet team")
    for role, values in [("expert", {"hours_per_month": 10, "facilities": "Lab", "data": "Registry"}),
                         ("lead", {"hours_per_month": 6, "data": "Claims data", "funding": "Budget"}),
                         ("observer", {"network": "Insurers"})]:
        state(people[role], Membership.objects.get(team=team, user=people[role]), **values)
    newcomer = make_user("newcomer")
    requested = membership_services.request_to_join(newcomer, team)
    Contribution.objects.create(membership=requested, hours_per_month=100)  # not a member yet: not counted
    totals = selectors.totals([team.pk, other.pk])
    assert totals[other.pk] == selectors.Totals()
    mine = totals[team.pk]
    assert (mine.hours_per_month, mine.facilities, mine.data, mine.funding, mine.network, mine.members) == \
        (16, 1, 2, 1, 1, 3)


def test_the_review_pages_show_the_sums(client, people, team):
    for role, hours in [("expert", 10), ("lead", 6)]:
        state(people[role], Membership.objects.get(team=team, user=people[role]), hours_per_month=hours,
              data="x" if role == "lead" else "")
    client.force_login(people["advisor"])
    page = client.get("/review/").content.decode()
    row = page[page.index(f'data-contribution-team="{team.slug}"'):]
    row = row[:row.index("</tr>")]
    assert '<td class="num hours">16</td>' in row and '<td class="num data">1</td>' in row
    assert '<td class="num facilities">0</td>' in row
    german = client.get("/review/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Was die Mitglieder beitragen" in german
    progress = client.get(f"/teams/{team.slug}/review/").content.decode()
    stat = progress[progress.index('id="contributed"'):]
    assert "<strong>16</strong> hours a month from members" in stat[:stat.index("</div>")]


def bulk_members(team, n, start=0):
    """n more active members of `team`, each with a contribution."""
    users = [make_user(f"member{start + i}") for i in range(n)]
    memberships = Membership.objects.bulk_create(Membership(team=team, user=u, role="expert") for u in users)
    Contribution.objects.bulk_create(Contribution(membership=m, hours_per_month=2, facilities="Lab", data="D",
                                                  funding="F", network="N") for m in memberships)


def test_the_team_page_reads_in_constant_queries_with_contributions(client, people, team):
    client.force_login(people["lead"])

    def count():
        response, sql = statements(lambda: client.get(f"/teams/{team.slug}/"))
        assert response.status_code == 200
        return len(sql), response.content.decode().count("data-contribution")

    bulk_members(team, 3)
    small, shown = count()
    assert shown == 3
    bulk_members(team, 57, start=3)
    large, shown = count()
    assert shown == 60
    assert_constant(small, large, budget=16, what="team page with contributions")


def test_the_review_overview_reads_in_constant_queries_with_contributions(client, people, make_team):
    client.force_login(people["manager"])
    teams = [make_team(name=f"Team {i}") for i in range(3)]
    for i, each in enumerate(teams):
        bulk_members(each, 2, start=10 * i)

    def count():
        response, sql = statements(lambda: client.get("/review/"))
        assert response.status_code == 200
        return len(sql), response.content.decode().count("data-contribution-team=")

    small, shown = count()
    assert shown == 3
    for i in range(3, 12):
        bulk_members(make_team(name=f"Team {i}"), 3, start=10 * i)
    large, shown = count()
    assert shown == 12
    assert_constant(small, large, budget=15, what="/review/ with contributions")
