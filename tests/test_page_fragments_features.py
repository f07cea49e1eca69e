"""The fragment cache (teams/fragments.py) and what main's issue 16 added to the cached pages: the card dialog's inline
editors (labels, people to assign and @mention), archived channels (read-only at once), private channels and
permalinks (rendered per request, never from the shared cache)."""
import pytest

from teams import membership as membership_services
from teams.board.labels import create_label
from teams.discussion.channel_admin import set_archived
from teams.discussion.channels import create_channel
from teams.discussion.posting import post_message
from teams.models import Membership
from tests.conftest import make_user
from tests.discussion_helpers import general
from tests.test_discussion_pages import grow
from tests.test_page_fragments import channel_url, new_card, page

pytestmark = pytest.mark.django_db


def test_a_new_label_and_a_new_member_show_at_once_in_a_cached_card_dialog(client, people, team):
    _card, url = new_card(people, team, "Label me")
    client.force_login(people["expert"])
    assert "Urgent-ish" not in page(client, url) and "Newcomer" not in page(client, url)
    create_label(people["lead"], team, name="Urgent-ish", color="red")
    newcomer = make_user("newcomer")
    newcomer.first_name = "Newcomer"
    newcomer.save()
    membership_services.enrol_member(people["manager"], team, user=newcomer, role=Membership.Role.EXPERT)
    dialog = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Urgent-ish" in dialog  # the labels to choose from
    assert dialog.count("Newcomer") == 2  # to assign, and in the @mention list


def test_an_archived_channel_is_read_only_at_once_in_the_cached_page(client, people, team):
    post_message(people["expert"], team, channel=general(team), body="Before the archive")
    client.force_login(people["expert"])
    assert 'class="link quote"' in page(client, channel_url(team))
    set_archived(people["lead"], team, channel=general(team), archived=True)
    html = page(client, channel_url(team))
    assert "Before the archive" in html and 'class="link quote"' not in html and 'class="link edit"' not in html


def test_private_channels_and_permalinks_are_rendered_per_request(client, people, team):
    secret = create_channel(people["lead"], team, name="secret", private=True, members=[people["expert"].pk])
    post_message(people["expert"], team, channel=secret, body="Only for us")
    client.force_login(people["expert"])
    assert "Only for us" in page(client, f"/teams/{team.slug}/channels/{secret.pk}/")
    client.force_login(people["supporter"])
    assert client.get(f"/teams/{team.slug}/channels/{secret.pk}/").status_code == 404
    first = post_message(people["expert"], team, channel=general(team), body="Far back")
    grow(team, general(team), people, 60)
    client.force_login(people["expert"])
    assert "Far back" not in page(client, channel_url(team))  # the newest page, from the cache
    html = page(client, f"{channel_url(team)}?message={first.pk}")
    assert "Far back" in html and 'id="newer" data-after' in html  # the page around it, newer ones on demand
