"""The results page (filters, paging, search within a channel or a board), the header box's suggestions, hostile
queries, and the cost of a search: a constant number of statements whatever the data."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teams.discussion.channels import create_channel
from teams.discussion.models import Message
from teams.discussion.posting import post_message
from teams.models import FieldOfAction, StrategicGoal
from teams.search.query import query, suggest
from teams.search.rebuild import rebuild
from tests.conftest import make_user
from tests.discussion_helpers import general
from tests.queries import assert_constant, statements
from tests.search_helpers import new_card

pytestmark = pytest.mark.django_db


def page(client, **params):
    response = client.get(reverse("search:results"), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_header_box_is_on_every_page_and_suggests_grouped_results(client, people, team):
    post_message(people["lead"], team, channel=general(team), body="Telemedizin in der Uckermark")
    new_card(people["lead"], team, "Telemedizin-Konzept")
    client.force_login(people["expert"])
    home = client.get(reverse("teams:my_teams")).content.decode()
    assert 'role="combobox"' in home and 'aria-keyshortcuts="/ Control+K"' in home and "js/search.js" in home
    html = client.get(reverse("search:suggestions"), {"q": "Telemed"}).content.decode()
    assert html.index("Tasks") < html.index("Messages")  # grouped, in the groups' order
    assert html.count('role="option"') == 3  # a task, a message, "all results"
    assert "<mark>Telemedizin</mark>" in html and "/search/?q=Telemed" in html


def test_filters_narrow_the_results(client, people, team, make_team):
    lead, other_lead = people["lead"], people["manager"]
    care = make_team(name="Care team", fields_of_action=list(FieldOfAction.objects.filter(code="IC")),
                     goals=list(StrategicGoal.objects.filter(code="4a")))
    post_message(lead, team, channel=general(team), body="Förderantrag Version eins")
    post_message(other_lead, care, channel=general(care), body="Förderantrag Version zwei")
    new_card(lead, team, "Förderantrag schreiben")
    client.force_login(people["manager"])
    assert page(client, q="Förderantrag").count('class="search-hit"') == 3
    assert page(client, q="Förderantrag", kind="tasks").count('class="search-hit"') == 1
    assert "zwei" in page(client, q="Förderantrag", team=care.slug) and "eins" not in page(client, q="Förderantrag",
                                                                                               team=care.slug)
    assert page(client, q="Förderantrag", author=other_lead.username).count('class="search-hit"') == 1
    assert page(client, q="Förderantrag", field="IC").count('class="search-hit"') == 1
    assert page(client, q="Förderantrag", goal="4a").count('class="search-hit"') == 1
    today = timezone.localdate()
    assert page(client, q="Förderantrag", after=today.isoformat()).count('class="search-hit"') == 3
    assert page(client, q="Förderantrag", before=(today - datetime.timedelta(days=1)).isoformat()
                ).count('class="search-hit"') == 0
    html = page(client, q="Förderantrag", team="no-such-team", after="31.12.")
    assert "Some filters were not understood" in html and html.count('class="search-hit"') == 3
    for ends in ({"before": "9999-12-31"}, {"after": "0001-01-01"}):  # the calendar's ends: no day after/before
        html = page(client, q="Förderantrag", **ends)
        assert "Some filters were not understood" in html and html.count('class="search-hit"') == 3


def test_results_are_paged(client, people, team, settings):
    settings.DISCUSSION_POST_RATE = (1000, 30)
    for n in range(25):
        post_message(people["lead"], team, channel=general(team), body=f"Statusbericht {n}")
    client.force_login(people["expert"])
    first, second = page(client, q="Statusbericht"), page(client, q="Statusbericht", page="2")
    assert first.count('class="search-hit"') == 20 and second.count('class="search-hit"') == 5
    assert "25 results" in first and "Page 1 of 2" in first and 'rel="next"' in first
    assert page(client, q="Statusbericht", page="99").count('class="search-hit"') == 5  # the last page
    assert page(client, q="Statusbericht", page="9" * 40).count('class="search-hit"') == 5  # still the last
    assert page(client, q="Statusbericht", page="x").count('class="search-hit"') == 20


def test_search_within_a_channel_and_a_board(client, people, team, make_team):
    lead = people["lead"]
    other = create_channel(lead, team, name="antraege")
    post_message(lead, team, channel=general(team), body="Budgetplanung allgemein")
    post_message(lead, team, channel=other, body="Budgetplanung im Antrag")
    new_card(lead, team, "Budgetplanung abschließen")
    client.force_login(people["observer"])
    within = page(client, q="Budgetplanung", channel=other.pk)
    assert within.count('class="search-hit"') == 1 and "im Antrag" in within and "Within #antraege" in within
    board = page(client, q="Budgetplanung", board=team.slug)
    assert board.count('class="search-hit"') == 1 and "abschließen" in board
    private = make_team(name="Private team")
    client.force_login(people["outsider"])
    for scope in ({"channel": other.pk}, {"channel": general(private).pk}, {"board": private.slug},
                  {"channel": "12x"}, {"channel": "9" * 30}):
        assert client.get(reverse("search:results"), {"q": "Budgetplanung", **scope}).status_code == 404, scope
    channel_page = client.get(f"/teams/{team.slug}/channels/{general(team).pk}/")
    client.force_login(people["observer"])
    channel_page = client.get(f"/teams/{team.slug}/channels/{general(team).pk}/").content.decode()
    assert f'name="channel" value="{general(team).pk}"' in channel_page
    assert f'name="board" value="{team.slug}"' in client.get(f"/teams/{team.slug}/board/").content.decode()


HOSTILE = ["", "   ", "-", "--", '"', '""', '"unclosed phrase', "-\"", "*", "NEAR(", 'NEAR("a" "b")', "a OR b AND",
           "title_de: x", "{title_raw}: x", "'; DROP TABLE search_document; --", "\\", "%", "%s", "\x00", "x\x00y",
           "ä" * 200, "Pflege" * 2000, "\ufffd", "🙂 Pflege", "a" * 5000, "((((", "^x", ":*", "!x", "& |"]


@pytest.mark.parametrize("typed", HOSTILE)
def test_hostile_queries_get_a_result_or_a_message(client, people, team, typed):
    post_message(people["lead"], team, channel=general(team), body="Pflege title_de near")
    client.force_login(people["expert"])
    for url in (reverse("search:results"), reverse("search:suggestions")):
        response = client.get(url, {"q": typed})
        assert response.status_code == 200, (url, typed)
    assert client.get(reverse("search:results"), {"q": typed, "page": "-1", "kind": "<x>", "after": "9999-99-99",
                                                  "author": "\x00"}).status_code == 200


def test_the_interface_takes_what_http_cannot_carry(people, team):
    user = people["expert"]
    for typed in ("\ud800", "Pflege\udfff", None, 42, ["Pflege"], "x" * 10_000):
        assert query(user, typed).hits == [] and suggest(user, typed)[1] == []
    assert query(user, "x" * 10_000).problem == "Search for at most 200 characters."


def _grow(team, people, n):
    channel = general(team)
    Message.objects.bulk_create([Message(team=team, channel=channel, author=people["lead"], body=f"Wachstum {i}",
                                         html="") for i in range(n)])
    for i in range(n // 10):
        make_user(f"grown{n}x{i}")
    rebuild()


@pytest.mark.parametrize("viewer", ["expert", "field_manager", "manager"])
def test_a_search_costs_the_same_statements_whatever_the_data(client, people, team, make_team, viewer):
    user = people[viewer]
    _grow(team, people, 5)

    def costs():
        user.__dict__.pop("_permission_cache", None)
        client.force_login(user)
        return [len(statements(call)[1]) for call in (
            lambda: query(user, "Wachstum"), lambda: suggest(user, "Wachs"),
            lambda: client.get(reverse("search:results"), {"q": "Wachstum", "page": "2"}),
            lambda: client.get(reverse("search:suggestions"), {"q": "Wachs"}))]

    small = costs()
    for n in range(5):
        make_team(name=f"Grown team {n}")
    _grow(team, people, 200)
    large = costs()
    # query: roles, fields (field managers), viewable teams (not for the reviewing bodies), counts, page; suggest:
    # one statement (the person's teams are read once per request); the pages: + session, user, the filters' choices
    for what, budget, before, after in zip(("query", "suggest", "results page", "suggestions"), (6, 3, 14, 8),
                                           small, large):
        assert_constant(before, after, budget, f"{what} for {viewer}")
