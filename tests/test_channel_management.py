"""Channel management through the services (issue 16): rename and describe, archive and unarchive, private
channels and their members, pins; what each records, and what each refuses (writing nothing)."""
import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

from teams.discussion.channel_admin import change_members, set_archived, update_channel, visible_channel
from teams.discussion.channels import create_channel
from teams.discussion.messages import delete_message, edit_message
from teams.discussion.models import Channel, ChannelMember, Pin
from teams.discussion.pins import pin_message, unpin_message
from teams.discussion.posting import post_message
from teams.discussion.reactions import add_reaction
from teams.models import Event
from teams.notify.models import Notification
from tests.channel_helpers import MARKER, private_channel
from tests.discussion_helpers import general

pytestmark = pytest.mark.django_db


def event_count():
    return Event.objects.count()


def test_rename_and_describe_record_channel_updated(people, team):
    channel = general(team)
    event = update_channel(people["lead"], team, channel=channel, name="  all   hands ", topic="Weekly news")
    assert event.kind == "channel.updated"
    assert event.data == {"channel": channel.pk, "name": "all hands", "topic": "Weekly news", "card": None,
                          "private": False, "archived": False, "changes": ["name", "topic"]}
    assert update_channel(people["supporter"], team, channel=channel, name="all hands") is None  # nothing changed
    assert update_channel(people["manager"], team, channel=channel, topic="").data["changes"] == ["topic"]


@pytest.mark.parametrize("name, topic", [("", None), ("x" * 61, None), ("<b>x</b>", None), ("Other", "y" * 301)])
def test_bad_names_and_topics_write_nothing(people, team, name, topic):
    create_channel(people["expert"], team, name="other")
    before = event_count()
    with pytest.raises(ValidationError):
        update_channel(people["lead"], team, channel=general(team), name=name, topic=topic)
    assert event_count() == before and general(team).name == "general"


@pytest.mark.parametrize("role", ["expert", "observer", "field_manager", "advisor", "outsider"])
def test_only_leads_supporters_and_cluster_management_manage(people, team, role):
    before = event_count()
    with pytest.raises(PermissionDenied):
        update_channel(people[role], team, channel=general(team), name="mine")
    with pytest.raises(PermissionDenied):
        set_archived(people[role], team, channel=general(team), archived=True)
    assert event_count() == before


def test_an_archived_channel_is_read_only(people, team):
    channel = general(team)
    message = post_message(people["expert"], team, channel=channel, body="before")
    event = set_archived(people["lead"], team, channel=channel, archived=True)
    assert event.kind == "channel.archived" and event.data["archived"] is True
    assert set_archived(people["lead"], team, channel=channel, archived=True) is None
    before = event_count()
    for write in (lambda: post_message(people["expert"], team, channel=channel, body="after"),
                  lambda: edit_message(people["expert"], team, message=message, body="changed"),
                  lambda: delete_message(people["expert"], team, message=message),
                  lambda: add_reaction(people["expert"], team, message=message, emoji="👍"),
                  lambda: pin_message(people["expert"], team, message=message)):
        with pytest.raises(ValidationError) as refused:
            write()
        assert "archived" in " ".join(refused.value.messages)
    assert event_count() == before
    assert set_archived(people["supporter"], team, channel=channel, archived=False).kind == "channel.unarchived"
    assert post_message(people["expert"], team, channel=channel, body="again").event.seq > before


def test_private_channel_members_and_event_marks(people, team):
    channel, root = private_channel(people, team)
    assert channel.private and set(ChannelMember.objects.filter(channel=channel).values_list("user_id", flat=True)) \
        == {people["lead"].pk, people["expert"].pk, people["observer"].pk}  # the creator is a member
    marked = Event.objects.filter(team=team, private_channel=channel.pk)
    assert set(marked.values_list("kind", flat=True)) == {"channel.created", "message.posted", "reaction.added",
                                                          "message.pinned"}
    assert not Event.objects.filter(team=team, private_channel=None, data__channel=channel.pk).exists()
    public = post_message(people["expert"], team, channel=general(team), body="public")
    assert public.event.private_channel is None


def test_private_channel_only_with_team_members(people, team):
    before = event_count()
    with pytest.raises(ValidationError):
        create_channel(people["lead"], team, name="secret", private=True, members=[people["outsider"].pk])
    with pytest.raises(ValidationError):
        create_channel(people["lead"], team, name="secret", private=True, members=[987654])
    assert event_count() == before and not Channel.objects.filter(name="secret").exists()


@pytest.mark.parametrize("role", ["supporter", "manager"])  # may manage public channels; not members here
def test_non_members_cannot_reach_a_private_channel(people, team, role):
    channel, root = private_channel(people, team)
    person = people[role]
    before = event_count()
    for write in (lambda: post_message(person, team, channel=channel, body="hi"),
                  lambda: add_reaction(person, team, message=root, emoji="👍"),
                  lambda: pin_message(person, team, message=root),
                  lambda: delete_message(person, team, message=root),
                  lambda: update_channel(person, team, channel=channel, name="taken over"),
                  lambda: change_members(person, team, channel=channel, add=[person.pk])):
        with pytest.raises(ObjectDoesNotExist):
            write()
    assert event_count() == before


def test_members_are_chosen_by_the_creator_and_member_leads(people, team):
    channel, _root = private_channel(people, team)
    with pytest.raises(PermissionDenied):  # a member, not the creator, not a lead
        change_members(people["expert"], team, channel=channel, add=[people["supporter"].pk])
    event = change_members(people["lead"], team, channel=channel, add=[people["supporter"].pk],
                           remove=[people["observer"].pk])
    assert event.kind == "channel.members" and event.private_channel == channel.pk
    assert event.data["added"] == [people["supporter"].pk] and event.data["removed"] == [people["observer"].pk]
    assert change_members(people["lead"], team, channel=channel, add=[people["expert"].pk]) is None
    with pytest.raises(ValidationError):
        change_members(people["lead"], team, channel=channel, add=[people["outsider"].pk])
    with pytest.raises(ValidationError):  # nobody would read it any more
        change_members(people["lead"], team, channel=channel,
                       remove=[people["lead"].pk, people["expert"].pk, people["supporter"].pk])
    with pytest.raises(ObjectDoesNotExist):  # removed: it is gone for them
        visible_channel(people["observer"], team, channel.pk)


def test_pins(people, team):
    channel = general(team)
    message = post_message(people["lead"], team, channel=channel, body="read me first")
    event = pin_message(people["expert"], team, message=message)
    assert event.kind == "message.pinned" and event.data == {"channel": channel.pk, "message": message.pk,
                                                             "thread": None, "by": people["expert"].pk}
    assert pin_message(people["lead"], team, message=message) is None
    with pytest.raises(PermissionDenied):
        pin_message(people["observer"], team, message=message)
    assert unpin_message(people["supporter"], team, message=message).kind == "message.unpinned"
    assert unpin_message(people["supporter"], team, message=message) is None
    pin_message(people["expert"], team, message=message)
    delete_message(people["lead"], team, message=message)  # a deleted message leaves the panel
    assert not Pin.objects.exists()
    with pytest.raises(ValidationError):
        pin_message(people["expert"], team, message=message)


def test_mentions_in_a_private_channel_notify_its_members_only(people, team):
    private_channel(people, team)
    told = set(Notification.objects.filter(kind="mention").values_list("recipient_id", flat=True))
    assert told == {people["expert"].pk}  # the supporter was mentioned too, but is no member
    assert not Notification.objects.filter(recipient=people["supporter"]).filter(url__contains=MARKER).exists()
