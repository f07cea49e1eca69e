"""The fragment cache (teams/fragments.py) never shows a page older than its data: each test loads a page (which
fills the cache), changes what it shows in the way the product changes it, and loads it again."""
import re

import pytest
from django.contrib.auth.models import User
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.utils import timezone

from teams import fragments
from teams import membership as membership_services
from teams.accounts.services import NAME_MAX, update_name
from teams.board.cards import create_card, move_card, update_card
from teams.board.comments import add_comment
from teams.board.models import Card, Column
from teams.discussion.posting import post_message
from teams.discussion.reactions import add_reaction
from teams.discussion.reading import mark_read
from teams.models import Membership
from teams.people.models import Organisation
from teams.services import update_team
from tests.conftest import make_user, team_data
from tests.discussion_helpers import general

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def members_section(html):
    return html.split('<ul class="members">', 1)[1].split("</ul>", 1)[0]


def team_url(team):
    return f"/teams/{team.slug}/"


def test_a_renamed_person_shows_at_once_on_a_cached_team_page(client, people, team):
    client.force_login(people["manager"])
    assert "Renamed Expert" not in page(client, team_url(team))
    expert = people["expert"]
    update_name(expert, expert, first_name="Renamed", last_name="Expert")  # the account page (a queryset update)
    assert "Renamed Expert" in members_section(page(client, team_url(team)))
    expert.first_name = "Saved"
    expert.save()  # the admin
    assert "Saved Expert" in members_section(page(client, team_url(team)))


def test_a_renamed_organisation_shows_at_once(client, people, team):
    organisation = Organisation.objects.create(name="Charité")
    profile = people["expert"].profile
    profile.organisation = organisation
    profile.save()
    client.force_login(people["manager"])
    assert "Charité" in members_section(page(client, team_url(team)))
    organisation.name = "Charité Berlin"
    organisation.save()
    assert "Charité Berlin" in members_section(page(client, team_url(team)))


def test_a_login_keeps_the_cached_fragments(client, people, team):
    client.force_login(people["manager"])
    page(client, team_url(team))
    version = fragments.outside_version()
    client.force_login(people["lead"])  # saves last_login only
    assert fragments.outside_version() == version


def test_a_new_member_shows_at_once(client, people, team):
    client.force_login(people["manager"])
    assert 'data-user="newcomer"' not in page(client, team_url(team))
    membership_services.enrol_member(people["manager"], team, user=make_user("newcomer"), role=Membership.Role.EXPERT)
    html = page(client, team_url(team))
    assert 'data-user="newcomer"' in members_section(html)
    assert '<span class="muted">5</span>' in html  # lead, supporter, expert, observer, newcomer


def test_every_viewer_gets_their_own_row_and_token_from_the_shared_rows(client, people, team):
    other = membership_services.enrol_member(people["manager"], team, user=make_user("second"),
                                             role=Membership.Role.LEAD).user
    secrets = []
    for viewer in (people["lead"], other):  # the same abilities: the same cached rows
        browser = Client()
        browser.force_login(viewer)
        html = members_section(page(browser, team_url(team)))
        own = html.split(f'data-user="{viewer.username}"', 1)[1].split("</li>", 1)[0]
        assert ">Leave<" in own and html.count(">Leave<") == 1
        # Every form's token is this browser's (the cached rows hold a slot, filled per request).
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        assert tokens and {_unmask_cipher_token(token) for token in tokens} == {browser.cookies["csrftoken"].value}
        secrets.append(browser.cookies["csrftoken"].value)
    assert secrets[0] != secrets[1]


def test_a_lead_and_an_expert_see_their_own_variants(client, people, team):
    client.force_login(people["lead"])
    assert 'class="inline role-form"' in page(client, team_url(team))
    client.force_login(people["expert"])
    assert 'class="inline role-form"' not in page(client, team_url(team))


def tile_column(html, card):
    return re.search(rf'id="card-{card.pk}"[^>]*data-column="(\d+)"', html, re.S).group(1)


def test_a_moved_card_shows_at_once_on_the_cached_board(client, people, team):
    columns = list(Column.objects.filter(team=team).order_by("rank"))
    create_card(people["lead"], team, column=columns[0], title="Draft the data charter")
    card = Card.objects.get(team=team, title="Draft the data charter")
    client.force_login(people["expert"])
    url = f"/teams/{team.slug}/board/"
    assert tile_column(page(client, url), card) == str(columns[0].pk)
    move_card(people["lead"], card, column=columns[1], version=card.version)
    assert tile_column(page(client, url), card) == str(columns[1].pk)


def test_a_renamed_assignee_shows_at_once_on_the_board(client, people, team):
    column = Column.objects.filter(team=team).order_by("rank").first()
    create_card(people["lead"], team, column=column, title="Pilot", assignees=[people["expert"]])
    client.force_login(people["lead"])
    url = f"/teams/{team.slug}/board/"
    page(client, url)
    expert = User.objects.get(pk=people["expert"].pk)
    expert.first_name = "Zelda"
    expert.save()
    assert 'title="Zelda ' in page(client, url)


def test_the_mine_filter_is_each_viewers_own(client, people, team):
    column = Column.objects.filter(team=team).order_by("rank").first()
    create_card(people["lead"], team, column=column, title="Only the expert's", assignees=[people["expert"]])
    url = f"/teams/{team.slug}/board/?mine=1"
    client.force_login(people["expert"])
    assert "Only the expert" in page(client, url)
    client.force_login(people["lead"])
    html = page(client, url)
    assert "Only the expert" not in html


def test_a_day_passing_makes_a_card_overdue_on_the_cached_board(client, people, team, settings):
    # Two time zones 25 hours apart: at any instant their local dates differ, so moving from the first to the
    # second is a day passing on the real clock.
    settings.TIME_ZONE = "Pacific/Pago_Pago"
    today = timezone.localdate()
    column = Column.objects.filter(team=team, is_done=False).order_by("rank").first()
    create_card(people["lead"], team, column=column, title="Due today", due_date=today)
    client.force_login(people["lead"])
    url = f"/teams/{team.slug}/board/"
    assert " overdue" not in page(client, url).split('<ol class="cards"', 1)[1]
    settings.TIME_ZONE = "Pacific/Kiritimati"
    assert timezone.localdate() > today
    assert 'class="tile prio-normal overdue"' in page(client, url)


def channel_url(team):
    return f"/teams/{team.slug}/channels/{general(team).pk}/"


def message_item(html, message):
    return html.split(f'id="m{message.pk}"', 1)[1].split("</li>", 1)[0]


def test_a_new_message_a_reaction_and_a_read_marker_show_at_once_in_a_cached_channel(client, people, team):
    first = post_message(people["lead"], team, channel=general(team), body="Kick-off on Monday")
    client.force_login(people["expert"])
    html = page(client, channel_url(team))
    assert '<span class="reactions"></span>' in message_item(html, first) and 'data-seen=""' in html
    second = post_message(people["lead"], team, channel=general(team), body="Agenda attached")
    add_reaction(people["expert"], team, message=first, emoji="👍")
    mark_read(people["observer"], team, channel=general(team), message=first.pk)
    html = page(client, channel_url(team))
    assert "Agenda attached" in message_item(html, second)
    assert 'class="reaction mine" data-emoji="👍"' in message_item(html, first)
    assert f'data-seen="{people["observer"].pk}"' in html


def test_each_viewer_sees_their_own_marks_in_a_cached_channel(client, people, team):
    message = post_message(people["expert"], team, channel=general(team), body="Mine, not the lead's")
    add_reaction(people["expert"], team, message=message, emoji="🎉")
    client.force_login(people["expert"])
    own = message_item(page(client, channel_url(team)), message)
    assert "data-body=" in own
    assert 'class="link edit"' in own and 'class="reaction mine"' in own
    client.force_login(people["lead"])
    theirs = message_item(page(client, channel_url(team)), message)
    assert 'class="link edit"' not in theirs and 'class="reaction mine"' not in theirs
    assert 'class="link danger delete"' in theirs  # a lead moderates


def test_a_renamed_author_shows_at_once_in_a_cached_channel(client, people, team):
    post_message(people["expert"], team, channel=general(team), body="Hello")
    client.force_login(people["lead"])
    page(client, channel_url(team))
    expert = User.objects.get(pk=people["expert"].pk)
    expert.last_name = "Newname"
    expert.save()
    assert "Newname" in page(client, channel_url(team)).split('id="messages"', 1)[1]


def new_card(people, team, title):
    """A card the lead made in the first column, and its page's URL."""
    column = Column.objects.filter(team=team).order_by("rank").first()
    create_card(people["lead"], team, column=column, title=title)
    card = Card.objects.get(team=team, title=title)
    return card, f"/teams/{team.slug}/board/cards/{card.pk}/"


def test_a_comment_and_an_edit_show_at_once_on_a_cached_card_page(client, people, team):
    card, url = new_card(people, team, "Ethics vote")
    client.force_login(people["expert"])
    assert "Ethics vote" in page(client, url) and "Ask the board first" not in page(client, url)
    add_comment(people["lead"], card, body="Ask the board first")
    card.refresh_from_db()  # a comment is a new version of the card
    update_card(people["lead"], card, version=card.version, title="Ethics vote (June)")
    html = page(client, url)
    assert "Ask the board first" in html and "<title>Ethics vote (June)" in html
    dialog = client.get(url, HTTP_HX_REQUEST="true").content.decode()  # the board's dialog, from the same cache
    assert "Ask the board first" in dialog and "<html" not in dialog


def test_an_observer_gets_no_inline_editors_from_a_cached_card_page(client, people, team):
    _card, url = new_card(people, team, "Read only for some")
    client.force_login(people["lead"])
    assert "data-inline-edit" in page(client, url)
    client.force_login(people["observer"])
    assert "data-inline-edit" not in page(client, url)


def test_a_form_with_errors_is_never_cached(client, people, team):
    _card, url = new_card(people, team, "Careful")
    client.force_login(people["lead"])
    response = client.post(f"{url}comments/", {"body": ""}, HTTP_HX_REQUEST="true")
    assert 'role="alert"' in response.content.decode()
    assert 'role="alert"' not in client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_a_renamed_team_and_a_new_role_show_at_once_in_cached_team_lists(client, people, team):
    client.force_login(people["expert"])
    assert "Data Spaces" in page(client, "/teams/") and "Expert" in page(client, "/my/")
    data = team_data(name="Data Spaces Berlin")
    update_team(people["manager"], team, name=data["name"], purpose=data["purpose"], goals=data["goals"],
                fields_of_action=data["fields_of_action"])
    membership = Membership.objects.get(team=team, user=people["expert"])
    membership_services.change_role(people["lead"], membership, role=Membership.Role.LEAD)
    assert "Data Spaces Berlin" in page(client, "/teams/")
    card = page(client, "/my/").split('class="team-card', 1)[1].split("</article>", 1)[0]
    assert "Data Spaces Berlin" in card and "you: Lead" in " ".join(card.split())


def test_a_goal_renamed_in_the_admin_shows_at_once_in_cached_team_cards(client, people, team):
    client.force_login(people["expert"])
    assert "Renamed goal" not in page(client, "/teams/")
    goal = team.goals.order_by("code").first()
    goal.title_en = "Renamed goal"
    goal.save()  # as the admin's change form does
    assert 'title="Renamed goal"' in page(client, "/teams/")


def test_a_cached_page_part_is_put_in_its_template_as_it_was_cached(rf, people, team):
    """fragments.page: the layout rendered for the request around the encoded part; filled: the token in its slots."""
    request = rf.get("/")
    request.user = people["lead"]
    request.session = {}
    part = f"<p>Größe – {fragments.CSRF_SLOT} · 🙂</p>".encode()
    response = fragments.page(request, "teams/team_detail.html", {"team": team, "can": {}},
                              fragments.filled(request, part))
    html = response.content.decode()
    assert html.count("<p>Größe – ") == 1 and "🙂" in html and fragments.CSRF_SLOT not in html
    assert html.index("<p>Größe") < html.index("</html>") and html.startswith("<!doctype html>")
    token = html.split("<p>Größe – ")[1].split(" ·")[0]
    layout_token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', html.split("<p>Größe")[0]).group(1)
    assert _unmask_cipher_token(token) == _unmask_cipher_token(layout_token)  # one secret, masked anew
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_text_that_looks_like_a_slot_stays_as_written_on_the_board_and_team_page(client, people, team):
    """Slots are HTML comments: a card title or a name that spells one out is escaped, never filled in."""
    lookalike = "csrf-slot-of-a-cached-fragment <!--csrf-token-of-a-cached-fragment--> \"me\": 987654321987"
    title = "csrf-slot-of-a-cached-fragment <!--csrf-token-of-a-cached-fragment \"me\": 987654321987"  # no tags
    create_card(people["lead"], team, column=Column.objects.filter(team=team).first(), title=title)
    update_name(people["expert"], people["expert"], first_name=lookalike[:NAME_MAX], last_name="Tester")
    client.force_login(people["lead"])
    board, team_page = page(client, f"/teams/{team.slug}/board/"), page(client, team_url(team))
    assert ("csrf-slot-of-a-cached-fragment &lt;!--csrf-token-of-a-cached-fragment &quot;me&quot;: 987654321987"
            in board)
    escaped = "csrf-slot-of-a-cached-fragment &lt;!--csrf-token-of-a-cached-fragment--&gt; &quot;me&quot;: 987654321987"
    assert escaped in members_section(team_page) and escaped in board  # the name, among the board's people
    assert "<!--csrf-token" not in board and "<!--csrf-token" not in team_page  # every slot filled
