"""The channel page's cached body (teams/discussion/channel_page.py) and per-viewer unread counts: every kind of
change shows on the next request, each viewer gets their own controls, marks and channels in either load order, a
private channel never enters the cache; the member pickers load with their dialog (teams/discussion/people_views.py)."""
import json
import pickle
import re

import pytest
from django.core.cache import caches

from teams import membership as membership_services
from teams.discussion import team_settings
from teams.discussion.channel_admin import change_members, update_channel
from teams.discussion.channels import create_channel
from teams.discussion.messages import delete_message, edit_message
from teams.discussion.pins import pin_message, unpin_message
from teams.discussion.posting import post_message
from teams.discussion.reading import mark_read
from teams.models import Membership
from tests.conftest import make_user
from tests.discussion_helpers import general
from tests.matrix import channel_rule
from tests.test_page_fragments import channel_url, message_item, page

pytestmark = pytest.mark.django_db


def stored_fragments():
    """Every value in the fragment cache: LocMem's pickles (SQLite suite), this run's keys on Redis (PostgreSQL)."""
    cache = caches["fragments"]
    if isinstance(cache._cache, dict):
        return [pickle.loads(value) for value in cache._cache.values()]
    client = cache._cache.get_client()
    return [cache._cache._serializer.loads(client.get(key))
            for key in client.scan_iter(match=f"{cache.make_key('fragment:')}*")]


def config(html):
    return json.loads(re.search(r'id="chat-config" type="application/json">(.*?)</script>', html, re.S).group(1))


def pins_panel(html):
    return html.split('id="pins-list"', 1)[1].split("</ol>", 1)[0]


def unread(html, channel):
    return int(re.search(rf'data-channel="{channel.pk}".*?data-count="(\d+)"', html, re.S).group(1))


def test_pins_edits_and_deletions_show_at_once(client, people, team):
    message = post_message(people["expert"], team, channel=general(team), body="Pin me")
    other = post_message(people["expert"], team, channel=general(team), body="Delete me")
    client.force_login(people["lead"])
    assert "Pin me" not in pins_panel(page(client, channel_url(team)))
    pin_message(people["expert"], team, message=message)
    assert "Pin me" in pins_panel(page(client, channel_url(team)))
    edit_message(people["expert"], team, message=message, body="Pinned and edited")
    html = page(client, channel_url(team))
    assert "Pinned and edited" in pins_panel(html) and "Pinned and edited" in message_item(html, message)
    delete_message(people["expert"], team, message=other)
    assert "This message was deleted." in message_item(page(client, channel_url(team)), other)
    unpin_message(people["lead"], team, message=message)
    assert "Pinned and edited" not in pins_panel(page(client, channel_url(team)))


def test_a_rename_a_topic_a_new_member_and_the_settings_show_at_once(client, people, team):
    url = channel_url(team)
    client.force_login(people["expert"])
    assert "Only some members may notify everyone with @team" in page(client, url)
    client.force_login(people["lead"])
    html = page(client, url)
    assert "Newcomer" not in html and 'value="members" selected' not in html
    update_channel(people["lead"], team, channel=general(team), name="plenary", topic="Everything & more")
    newcomer = make_user("newcomer")
    newcomer.first_name = "Newcomer"
    newcomer.save()
    membership_services.enrol_member(people["manager"], team, user=newcomer, role=Membership.Role.EXPERT)
    team_settings.update_settings(people["lead"], team, team_mention="members")
    html = page(client, url)
    assert '<span id="channel-name">plenary</span>' in html and "Everything &amp; more" in html
    assert f'data-user="{newcomer.pk}"' in html and config(html)["members"][str(newcomer.pk)] == "Newcomer Tester"
    assert 'value="members" selected' in html  # the discussion settings' form
    client.force_login(people["expert"])  # @team: now members may notify everyone
    assert "@team notifies everyone in the team." in page(client, url)


@pytest.mark.parametrize("order", [("observer", "expert", "lead"), ("lead", "expert", "observer")])
def test_each_role_gets_its_own_controls_and_me_in_either_order(client, people, team, order):
    message = post_message(people["expert"], team, channel=general(team), body="Pinned for all")
    pin_message(people["expert"], team, message=message)
    for role in order:
        client.force_login(people[role])
        html = page(client, channel_url(team))
        assert config(html)["me"] == people[role].pk
        assert ('id="composer"' in html) == ("New channel" in html) == (role != "observer")
        assert ("Channel settings" in html) == channel_rule(role, "rename")
        assert ("unpin-form" in pins_panel(html)) == channel_rule(role, "pin")
        assert ('class="link edit"' in message_item(html, message)) == (role == "expert")
        assert "csrf-slot" not in html  # every form's token is this request's


def test_each_viewer_has_their_own_unread_counts_and_private_channels(client, people, team):
    side = create_channel(people["lead"], team, name="side")
    secret = create_channel(people["lead"], team, name="secret room", private=True, members=[people["expert"].pk])
    post_message(people["lead"], team, channel=side, body="one")
    client.force_login(people["expert"])
    html = page(client, channel_url(team))
    assert unread(html, side) == 1 and "secret room" in html
    client.force_login(people["observer"])
    html = page(client, channel_url(team))
    assert unread(html, side) == 1 and "secret room" not in html
    post_message(people["lead"], team, channel=side, body="two")
    post_message(people["lead"], team, channel=secret, body="psst")
    mark_read(people["observer"], team, channel=side, message=side.messages.order_by("id").first().pk)
    assert unread(page(client, channel_url(team)), side) == 1
    client.force_login(people["expert"])
    html = page(client, channel_url(team))
    assert unread(html, side) == 2 and unread(html, secret) == 1


def test_a_private_channel_never_enters_the_cache(client, people, team):
    secret = create_channel(people["lead"], team, name="Zebra room", private=True, members=[people["expert"].pk])
    post_message(people["lead"], team, channel=secret, body="Quokka plans")
    post_message(people["lead"], team, channel=general(team), body="Public news")
    client.force_login(people["expert"])
    assert "Quokka plans" in page(client, f"/teams/{team.slug}/channels/{secret.pk}/")
    assert "Zebra room" in page(client, channel_url(team)) and "Public news" in page(client, channel_url(team))
    stored = [repr(value) for value in stored_fragments()]
    assert any("Public news" in text for text in stored)  # the public channel's page is cached …
    assert not any("Zebra room" in text or "Quokka plans" in text for text in stored)  # … nothing of the private one


def test_nothing_people_write_becomes_a_slot(client, people, team):
    update_channel(people["lead"], team, channel=general(team), topic="<!--messages csrf-slot-of-a-cached-fragment")
    message = post_message(people["expert"], team, channel=general(team),
                           body="`<!--channel-list-->` <!--messages--> csrf-slot-of-a-cached-fragment")
    client.force_login(people["lead"])
    html = page(client, channel_url(team))
    assert html.count('id="messages"') == 1 and html.count(f'id="m{message.pk}"') == 1
    assert html.count('data-channel="') == 1 and "&lt;!--messages " in html
    assert html.count("csrf-slot-of-a-cached-fragment") == 3  # the topic (title, edit form), the message: as written


def test_the_member_pickers_load_with_their_dialog(client, people, team):
    client.force_login(people["expert"])
    html = page(client, channel_url(team))
    chooser = html.split('class="choose-members"', 1)[1].split("</fieldset>", 1)[0]
    assert 'name="members"' not in chooser and people["observer"].get_full_name() not in chooser
    picker = client.get(f"/teams/{team.slug}/channels/people/", HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{people["observer"].pk}"' in picker and f'value="{people["expert"].pk}"' not in picker
    assert "<html" not in picker
    full = page(client, f"/teams/{team.slug}/channels/people/")  # without JavaScript: the form on a page
    assert "<html" in full and 'name="private" value="on" checked' in full
    client.post(f"/teams/{team.slug}/channels/new/", {"name": "no script", "private": "on",
                                                      "members": [people["observer"].pk]})
    created = team.channels.get(name="no script")
    assert set(created.members.values_list("user_id", flat=True)) == {people["expert"].pk, people["observer"].pk}
    client.force_login(people["observer"])
    assert client.get(f"/teams/{team.slug}/channels/people/").status_code == 403  # readers create no channels


def test_only_who_chooses_a_private_channels_members_gets_the_picker(client, people, team):
    secret = create_channel(people["expert"], team, name="pilots", private=True,
                            members=[people["lead"].pk, people["observer"].pk])
    change_members(people["expert"], team, channel=secret, add=[people["supporter"].pk])
    url, picker = f"/teams/{team.slug}/channels/{secret.pk}/", f"/teams/{team.slug}/channels/{secret.pk}/people/"
    for role in ("expert", "lead", "observer", "supporter"):
        client.force_login(people[role])
        html = page(client, url)
        manages = channel_rule(role, "members_private") or role == "expert"  # the creator chooses too
        assert (picker in html) == manages
        assert client.get(picker, HTTP_HX_REQUEST="true").status_code == (200 if manages else 403)
        if not manages:  # the other members see who is in it
            members = html.split('id="channel-members"', 1)[1].split("</details>", 1)[0]
            assert people["supporter"].get_full_name() in members and people["manager"].get_full_name() not in members
    client.force_login(people["lead"])
    chooser = client.get(picker, HTTP_HX_REQUEST="true").content.decode()
    assert f'name="remove" value="{people["supporter"].pk}"' in chooser
    assert f'name="add" value="{people["manager"].pk}"' not in chooser  # not in the team
    client.force_login(people["manager"])
    assert client.get(picker).status_code == 404  # not a member: the channel does not exist for them
