"""The expert directory is cached (teams/people/views.py: per newest event, query string, the viewer's viewable
teams and their "in no team" filter): every change it shows appears on the next load, and a viewer never gets a
page cached for someone who may view more. Each test loads the page (which fills the cache), changes what it
shows as the product does, and loads it again."""
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from teams import membership as membership_services
from teams.accounts.services import update_name
from teams.models import FieldOfAction, Membership
from teams.people.models import Organisation
from teams.people.services import set_expertise, update_professional_profile
from teams.services import conclude_team, update_team
from tests.conftest import make_user, team_data
from tests.queries import statements

pytestmark = pytest.mark.django_db


def page(client, url="/people/"):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def card(client, username, url="/people/"):
    """The person's card in the directory ("" when they are not listed)."""
    html = page(client, url)
    marker = f'data-person="{username}"'
    return html.split(marker, 1)[1].split("</article>", 1)[0] if marker in html else ""


def test_a_renamed_new_or_deactivated_person_shows_at_once(client, people):
    client.force_login(people["outsider"])
    assert "Quasimodo" not in page(client)
    update_name(people["expert"], people["expert"], first_name="Quasimodo", last_name="Tester")  # a queryset update
    assert "Quasimodo Tester" in card(client, "expert")
    assert not card(client, "newcomer")
    newcomer = make_user("newcomer")
    assert "Newcomer Tester" in card(client, "newcomer")
    newcomer.is_active = False
    newcomer.save()  # the admin, or an erasure
    assert not card(client, "newcomer")


def test_an_organisation_and_keywords_show_at_once(client, people):
    expert = people["expert"]
    client.force_login(people["outsider"])
    assert "Holografie" not in page(client)
    set_expertise(expert, expert, keywords=["Holografie"])  # expertise rows in bulk, no save
    assert "Holografie" in card(client, "expert")
    assert 'class="keyword-cloud"' in page(client) and '<option value="Holografie">' in page(client)
    update_professional_profile(expert, expert, organisation="Charité Lab", keywords=["Holografie"])
    assert "Charité Lab" in card(client, "expert")
    organisation = Organisation.objects.get(name="Charité Lab")
    organisation.name = "Charité Berlin"
    organisation.save()  # the admin
    assert "Charité Berlin" in card(client, "expert")


def test_managed_fields_set_in_the_admin_show_at_once(client, people):
    client.force_login(people["manager"])
    assert "Innovative Care" not in card(client, "outsider")
    people["outsider"].profile.fields_of_action.set(FieldOfAction.objects.filter(code="IC"))  # filter_horizontal
    assert "Innovative Care" in card(client, "outsider")


def test_a_membership_a_renamed_team_and_a_removal_show_at_once(client, people, team):
    client.force_login(people["manager"])
    assert "Data Spaces" not in card(client, "outsider")
    membership_services.enrol_member(people["manager"], team, user=people["outsider"], role=Membership.Role.EXPERT)
    assert "Data Spaces" in card(client, "outsider")
    data = team_data(name="Data Spaces Berlin")
    update_team(people["manager"], team, name=data["name"], purpose=data["purpose"], goals=data["goals"],
                fields_of_action=data["fields_of_action"])
    assert "Data Spaces Berlin" in card(client, "outsider")
    membership = Membership.objects.get(team=team, user=people["outsider"])
    membership_services.remove_member(people["manager"], membership)
    assert "Data Spaces" not in card(client, "outsider")


def test_a_day_passing_marks_an_ended_team_at_once(client, people, make_team, settings):
    # Two time zones 25 hours apart: at any instant their local dates differ (tests/test_page_fragments.py).
    settings.TIME_ZONE = "Pacific/Pago_Pago"
    make_team(name="Ephemeral circle", end_date=timezone.localdate())
    client.force_login(people["manager"])
    assert "Ephemeral circle</a> <span" not in card(client, "expert")
    settings.TIME_ZONE = "Pacific/Kiritimati"
    assert 'Ephemeral circle</a> <span class="muted">(Ended)</span>' in card(client, "expert")


@pytest.mark.parametrize("first", ["manager", "outsider"])
def test_teams_show_only_to_their_viewers_whoever_loads_first(client, people, team, make_team, first):
    make_team(name="Secret Care Circle", fields_of_action=list(FieldOfAction.objects.filter(code="IC")))
    order = ["manager", "outsider", "field_manager"] if first == "manager" else ["outsider", "field_manager",
                                                                                 "manager"]
    seen = {}
    for viewer in order:
        client.force_login(people[viewer])
        seen[viewer] = card(client, "expert"), card(client, "expert", "/people/?goal=3a")
    assert "Data Spaces" in seen["manager"][0] and "Secret Care Circle" in seen["manager"][0]
    assert "Data Spaces" in seen["field_manager"][0] and "Secret Care Circle" not in seen["field_manager"][0]
    assert "Data Spaces" not in seen["outsider"][0] and "Secret Care Circle" not in seen["outsider"][0]
    assert seen["manager"][1] and seen["field_manager"][1] and not seen["outsider"][1]  # nor does the filter tell


@pytest.mark.parametrize("first", ["manager", "lead"])
def test_the_in_no_team_filter_is_cluster_managements_whoever_loads_first(client, people, team, first):
    order = ["manager", "lead"] if first == "manager" else ["lead", "manager"]
    listed = {}
    for viewer in order:
        client.force_login(people[viewer])
        html = page(client, "/people/?no_team=on")
        listed[viewer] = ('name="no_team"' in html, 'data-person="expert"' in html)
    assert listed["manager"] == (True, False)  # the expert is in a team
    assert listed["lead"] == (False, True)  # neither the filter nor its effect


def test_viewers_who_view_the_same_teams_share_the_cached_page(client, people, team):
    another = make_user("another")  # views what the outsider views: no team
    client.force_login(people["outsider"])
    built = statements(lambda: page(client))[1]
    client.force_login(another)
    cached = statements(lambda: page(client))[1]
    assert len(cached) < len(built) and not any("people_expertise" in sql for sql in cached)


def test_filters_with_errors_are_never_cached(client, people):
    client.force_login(people["outsider"])
    for _load in range(2):  # the second load is built again, not taken from a cache
        response, sent = statements(lambda: client.get("/people/?field=bogus&goal=99z"))
        assert "Some filters were not understood" in response.content.decode()
        assert any("people_expertise" in sql for sql in sent)


def test_were_in_is_a_team_that_ended_with_them_a_removal_is_no_membership(client, people, make_team):
    """A concluded team stays on its members' entries, marked, from the cached page too (no one can be removed
    from it any more); a team someone was removed from or left is not theirs: its own member list no longer names
    them either."""
    concluded, left = make_team(name="Finished Circle"), make_team(name="Departed Circle")
    client.force_login(people["manager"])
    assert "Finished Circle" in card(client, "expert") and "Departed Circle" in card(client, "expert")
    conclude_team(people["manager"], concluded)
    membership_services.remove_member(people["manager"], Membership.objects.get(team=left, user=people["expert"]))
    entry = card(client, "expert")
    assert 'Finished Circle</a> <span class="muted">(Concluded)</span>' in entry and "Departed Circle" not in entry
    with pytest.raises(PermissionDenied):
        membership_services.remove_member(people["lead"], Membership.objects.get(team=concluded,
                                                                                 user=people["expert"]))
