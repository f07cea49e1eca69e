"""The search results page is cached (teams/search/views.py: per newest event, query string and audience): every
change of what it finds shows on the next search, and a viewer never gets a page cached for someone who may read
more. Each test loads a page (which fills the cache), changes what it shows as the product does, and loads again."""
import pytest
from django.urls import reverse
from django.utils import timezone

from teams.accounts.services import update_name
from teams.board.cards import update_card
from teams.discussion.channel_admin import change_members
from teams.discussion.channels import create_channel
from teams.discussion.messages import delete_message
from teams.discussion.posting import post_message
from teams.people.services import set_expertise
from teams.search.models import Document
from teams.search.rebuild import rebuild
from tests.conftest import make_user
from tests.discussion_helpers import general
from tests.queries import statements
from tests.search_helpers import new_card

pytestmark = pytest.mark.django_db


def hits(client, q, **params):
    response = client.get(reverse("search:results"), {"q": q, **params})
    assert response.status_code == 200, response.status_code
    html = response.content.decode().replace("<mark>", "").replace("</mark>", "")
    return html.split('<ol class="search-hits">', 1)[1].split("</ol>", 1)[0]


def test_a_new_renamed_or_deleted_thing_is_found_at_once(client, people, team):
    client.force_login(people["expert"])
    assert "Nothing found" in hits(client, "Zeppelin")
    card = new_card(people["lead"], team, "Zeppelin landing")
    assert "Zeppelin landing" in hits(client, "Zeppelin")
    update_card(people["lead"], card, version=card.version, title="Airship landing")
    assert "Nothing found" in hits(client, "Zeppelin") and "Airship" in hits(client, "landing")
    message = post_message(people["lead"], team, channel=general(team), body="The Zeppelin flies on Monday")
    assert 'data-kind="message"' in hits(client, "Zeppelin")
    delete_message(people["lead"], team, message=message)
    assert "Nothing found" in hits(client, "Zeppelin")


def test_a_renamed_person_and_their_new_keywords_are_found_at_once(client, people):
    client.force_login(people["outsider"])
    assert "Nothing found" in hits(client, "Quasimodo")
    update_name(people["expert"], people["expert"], first_name="Quasimodo", last_name="Tester")  # a queryset update
    assert "Quasimodo" in hits(client, "Quasimodo")
    assert "Nothing found" in hits(client, "Holografie")
    set_expertise(people["expert"], people["expert"], keywords=["Holografie"])  # expertise rows in bulk
    assert 'data-kind="person"' in hits(client, "Holografie")
    make_user("holografie")
    assert hits(client, "Holografie").count('data-kind="person"') == 2


def test_a_rebuilt_index_is_searched_at_once(client, people, team):
    new_card(people["lead"], team, "Zeppelin landing")
    Document.objects.all().delete()  # an index gone wrong (a fault is logged, the change kept)
    client.force_login(people["expert"])
    assert "Nothing found" in hits(client, "Zeppelin")
    rebuild()  # manage.py rebuild_search_index: no event
    assert "Zeppelin landing" in hits(client, "Zeppelin")


def test_a_day_passing_marks_an_ended_team_at_once(client, people, make_team, settings):
    # Two time zones 25 hours apart: at any instant their local dates differ (tests/test_page_fragments.py).
    settings.TIME_ZONE = "Pacific/Pago_Pago"
    from_today = make_team(name="Ephemeral circle", end_date=timezone.localdate())
    client.force_login(people["manager"])
    assert 'class="badge' not in hits(client, "Ephemeral", kind="teams")
    settings.TIME_ZONE = "Pacific/Kiritimati"
    assert f'class="badge {from_today.status} ended"' in hits(client, "Ephemeral", kind="teams")


@pytest.mark.parametrize("first", ["member", "other"])
def test_a_private_channel_is_found_only_by_its_members_whoever_searches_first(client, people, team, first):
    channel = create_channel(people["lead"], team, name="board-room", private=True)
    post_message(people["lead"], team, channel=channel, body="The Zeppelin budget")
    post_message(people["lead"], team, channel=general(team), body="The Zeppelin timetable")
    # The manager reads every team, but not a private channel they are not in.
    order = ["lead", "manager"] if first == "member" else ["manager", "lead"]
    found = {}
    for viewer in order:
        client.force_login(people[viewer])
        found[viewer] = hits(client, "Zeppelin")
    assert "budget" in found["lead"] and "timetable" in found["lead"]
    assert "budget" not in found["manager"] and "timetable" in found["manager"]
    change_members(people["lead"], team, channel=channel, add=[people["expert"].pk])
    client.force_login(people["expert"])
    assert "budget" in hits(client, "Zeppelin")  # a new member finds it at once
    client.force_login(people["manager"])
    assert "budget" not in hits(client, "Zeppelin")


@pytest.mark.parametrize("first", ["member", "outsider"])
def test_a_team_is_found_only_by_its_viewers_whoever_searches_first(client, people, team, first):
    new_card(people["lead"], team, "Zeppelin landing")
    order = ["expert", "outsider"] if first == "member" else ["outsider", "expert"]
    found = {}
    for viewer in order:
        client.force_login(people[viewer])
        found[viewer] = hits(client, "Zeppelin")
        assert found[viewer].count("data-kind=\"card\"") == (viewer == "expert")
    # Nor may the filter's team list tell an outsider of the team.
    client.force_login(people["outsider"])
    assert f'value="{team.slug}"' not in client.get(reverse("search:results"), {"q": "Zeppelin"}).content.decode()


def test_viewers_who_read_the_same_share_the_cached_page(client, people, team):
    new_card(people["lead"], team, "Zeppelin landing")
    other = make_user("another")
    client.force_login(people["outsider"])
    built = statements(lambda: hits(client, "Zeppelin"))[1]
    client.force_login(other)  # reads what the outsider reads: no team, no private channel
    cached = statements(lambda: hits(client, "Zeppelin"))[1]
    assert len(cached) < len(built) and not any("search_document" in sql for sql in cached)


def test_a_search_with_errors_is_never_cached(client, people, team):
    new_card(people["lead"], team, "Zeppelin landing")
    client.force_login(people["expert"])
    params = {"q": "Zeppelin", "author": "nobody", "after": "junk"}
    for _load in range(2):  # the second search is made again, not taken from a cache
        response, sent = statements(lambda: client.get(reverse("search:results"), params))
        assert "Some filters were not understood" in response.content.decode()
        assert any("search_document" in sql for sql in sent)


@pytest.mark.parametrize("first", ["lead", "expert"])
def test_members_of_two_private_channels_each_find_only_their_own(client, people, team, first):
    # The same kind of audience (one private channel each): only the channels' ids tell them apart.
    ours = create_channel(people["lead"], team, name="lead-room", private=True)
    theirs = create_channel(people["expert"], team, name="expert-room", private=True)
    post_message(people["lead"], team, channel=ours, body="The Zeppelin budget")
    post_message(people["expert"], team, channel=theirs, body="The Zeppelin timetable")
    found = {}
    for viewer in [first, {"lead": "expert", "expert": "lead"}[first]]:
        client.force_login(people[viewer])
        found[viewer] = hits(client, "Zeppelin")
    assert "budget" in found["lead"] and "timetable" not in found["lead"]
    assert "timetable" in found["expert"] and "budget" not in found["expert"]
