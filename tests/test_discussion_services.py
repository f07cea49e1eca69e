"""Discussion services: the write path (permission, validation, transaction, event) and its rules."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teams.discussion import selectors
from teams.discussion.channels import create_channel
from teams.discussion.messages import delete_message, edit_message
from teams.discussion.models import Channel, Message, Reaction, ReadMarker, ThreadSubscription
from teams.discussion.posting import post_message
from teams.discussion.rate_limit import add_to_counter
from teams.discussion.reactions import add_reaction, remove_reaction
from teams.discussion.reading import mark_read, set_thread_subscription
from teams.discussion.team_settings import update_settings
from teams.models import Event
from tests.discussion_helpers import general
from tests.matrix import roles_that


def last_event(team):
    return Event.objects.filter(team=team).order_by("-seq").first()


@pytest.mark.django_db
def test_launch_creates_general_channel_with_event(team):
    channel = general(team)
    assert Event.objects.filter(team=team, kind="channel.created", data__channel=channel.pk).exists()
    assert team.discussion_settings.team_mention == "leads"


@pytest.mark.django_db
def test_post_records_event_with_ids_and_mentions(people, team):
    channel = general(team)
    message = post_message(people["expert"], team, channel=channel.pk,
                                    body="Hi @lead and @Observer, see @nobody and `@supporter`")
    event = last_event(team)
    assert event.kind == "message.posted" and event.seq == message.event.seq
    assert event.data["channel"] == channel.pk and event.data["message"] == message.pk
    assert event.data["thread"] is None and event.data["author"] == people["expert"].pk
    assert sorted(event.data["mentions"]) == sorted([people["lead"].pk, people["observer"].pk])
    assert '<span class="mention">@lead</span>' in message.html
    assert "@nobody" in message.html and 'mention">@nobody' not in message.html
    # the author has read their own message and follows their thread
    assert ReadMarker.objects.get(channel=channel, user=people["expert"]).last_read_id == message.pk
    assert ThreadSubscription.objects.filter(root=message, user=people["expert"], state="follow").exists()


@pytest.mark.django_db
def test_markdown_is_sanitised(people, team):
    message = post_message(people["expert"], team, channel=general(team),
                                    body='**bold** <script>alert(1)</script> <img src=x onerror=alert(2)> '
                                         '[x](javascript:alert(3))')
    assert "<strong>bold</strong>" in message.html
    for bad in ("<script", "onerror", "javascript:", "<img"):
        assert bad not in message.html


@pytest.mark.django_db
def test_thread_replies_carry_followers_and_muted(people, team):
    channel = general(team)
    root = post_message(people["lead"], team, channel=channel, body="Plan?")
    set_thread_subscription(people["observer"], team, message=root.pk, state="mute")
    reply = post_message(people["expert"], team, channel=channel, body="Yes", thread=root.pk)
    nested = post_message(people["supporter"], team, channel=channel, body="Agreed", thread=reply.pk)
    assert reply.thread_id == root.pk and nested.thread_id == root.pk  # a reply to a reply joins the thread
    data = last_event(team).data
    assert data["thread"] == root.pk
    assert data["followers"] == sorted([people["lead"].pk, people["expert"].pk])
    assert data["muted"] == [people["observer"].pk]


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles_that("contribute", allowed=False))
def test_readers_and_outsiders_cannot_post(people, team, role):
    before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        post_message(people[role], team, channel=general(team), body="hello")
    assert Message.objects.count() == 0 and Event.objects.count() == before


@pytest.mark.django_db
def test_other_teams_channel_is_not_found(people, team, make_team):
    other = make_team(name="Other team")
    with pytest.raises(Channel.DoesNotExist):
        post_message(people["expert"], team, channel=general(other).pk, body="hello")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_length_cap_and_empty(people, team):
    with pytest.raises(ValidationError):
        post_message(people["expert"], team, channel=general(team), body="x" * 10_001)
    with pytest.raises(ValidationError):
        post_message(people["expert"], team, channel=general(team), body="   ")
    post_message(people["expert"], team, channel=general(team), body="x" * 10_000)


@pytest.mark.django_db
def test_per_person_rate_limit(people, team, settings):
    settings.DISCUSSION_POST_RATE = (3, 60)
    for n in range(3):
        post_message(people["expert"], team, channel=general(team), body=f"m{n}")
    with pytest.raises(ValidationError) as error:
        post_message(people["expert"], team, channel=general(team), body="one too many")
    assert error.value.code == "rate_limited" and "too fast" in error.value.messages[0]
    assert Message.objects.count() == 3
    post_message(people["lead"], team, channel=general(team), body="others may still post")


def test_the_post_counter_adds_up_and_expires():
    """The counter behind the rate limit (one Redis round trip in the scaled-out suite, add + incr on locmem)."""
    import redis
    from django.conf import settings
    from django.core.cache import cache, caches
    from django.core.cache.backends.redis import RedisCache

    assert add_to_counter("counter-test", 2, timeout=60) == 2
    assert add_to_counter("counter-test", 3, timeout=3600) == 5  # the first use set the lifetime
    assert cache.get("counter-test") == 5  # the cache reads what the counter wrote
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key("counter-test")
        client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        assert 0 < client.ttl(full_key) <= 60  # set once, on first use
    cache.delete("counter-test")


@pytest.mark.django_db
def test_team_mention_setting(people, team):
    channel = general(team)
    with pytest.raises(ValidationError):
        post_message(people["expert"], team, channel=channel, body="@team look")
    message = post_message(people["lead"], team, channel=channel, body="@team look")
    assert message.team_mention
    with pytest.raises(PermissionDenied):
        update_settings(people["expert"], team, team_mention="members")
    update_settings(people["lead"], team, team_mention="members")
    assert post_message(people["expert"], team, channel=channel, body="@team now me").team_mention


@pytest.mark.django_db
def test_edit_and_delete_rules(people, team):
    channel = general(team)
    message = post_message(people["expert"], team, channel=channel, body="first @lead")
    with pytest.raises(PermissionDenied):
        edit_message(people["lead"], team, message=message.pk, body="not yours")
    edited = edit_message(people["expert"], team, message=message.pk, body="second @lead @observer")
    assert Message.objects.get(pk=message.pk).edited_at and edited.data["added_mentions"] == [people["observer"].pk]
    other = post_message(people["lead"], team, channel=channel, body="lead's")
    with pytest.raises(PermissionDenied):
        delete_message(people["expert"], team, message=other.pk)
    delete_message(people["supporter"], team, message=message.pk)  # supporters moderate
    message.refresh_from_db()
    assert message.is_deleted and message.body == "" and last_event(team).kind == "message.deleted"
    delete_message(people["lead"], team, message=other.pk)  # own


@pytest.mark.django_db
def test_reactions_toggle(people, team):
    message = post_message(people["lead"], team, channel=general(team), body="hi")
    event = add_reaction(people["expert"], team, message=message.pk, emoji="👍")
    assert event.data["count"] == 1 and event.data["message"] == message.pk
    assert add_reaction(people["expert"], team, message=message.pk, emoji="👍") is None
    with pytest.raises(ValidationError):
        add_reaction(people["expert"], team, message=message.pk, emoji="<b>")
    with pytest.raises(PermissionDenied):
        add_reaction(people["observer"], team, message=message.pk, emoji="👍")
    assert remove_reaction(people["expert"], team, message=message.pk, emoji="👍").data["count"] == 0
    assert not Reaction.objects.exists()


@pytest.mark.django_db
def test_unread_counts_and_read_receipts(people, team):
    channel = general(team)
    second = create_channel(people["expert"], team, name="data-model", topic="FHIR")
    messages = [post_message(people["lead"], team, channel=channel, body=f"m{n}") for n in range(3)]
    post_message(people["lead"], team, channel=second, body="elsewhere")
    unread = {c.name: c.unread for c in selectors.channels_with_unread(people["expert"], team)}
    assert unread == {"general": 3, "data-model": 1}
    assert {c.name: c.unread for c in selectors.channels_with_unread(people["lead"], team)} == \
        {"general": 0, "data-model": 0}
    event = mark_read(people["expert"], team, channel=channel.pk, message=messages[1].pk)
    assert event.kind == "message.read" and event.data == {"channel": channel.pk, "user": people["expert"].pk,
                                                           "message": messages[1].pk}
    assert mark_read(people["expert"], team, channel=channel.pk, message=messages[0].pk) is None
    unread = {c.name: c.unread for c in selectors.channels_with_unread(people["expert"], team)}
    assert unread["general"] == 1
    mark_read(people["observer"], team, channel=channel.pk, message=messages[2].pk)  # observers read
    mark_read(people["advisor"], team, channel=channel.pk, message=messages[2].pk)  # not a member
    page = selectors.channel_page(people["lead"], team, channel)
    seen = {m.pk: sorted(m.seen_by_ids) for m in page["chat_messages"]}
    assert seen[messages[0].pk] == sorted([people["expert"].pk, people["observer"].pk])
    assert seen[messages[2].pk] == [people["observer"].pk]


@pytest.mark.django_db
def test_task_links_only_for_existing_cards(people, team):
    message = post_message(people["expert"], team, channel=general(team), body="see #123 and issue#5")
    assert "<a" not in message.html  # no such card (or no board yet): plain text
    assert "#123" in message.html


@pytest.mark.django_db
def test_channel_create_rules(people, team):
    with pytest.raises(ValidationError):
        create_channel(people["expert"], team, name="General")
    with pytest.raises(PermissionDenied):
        create_channel(people["observer"], team, name="mine")
    with pytest.raises(ValidationError):
        create_channel(people["expert"], team, name="<b>x</b>")
    channel = create_channel(people["expert"], team, name="#pilots ", topic="Two hospitals")
    assert channel.name == "pilots" and last_event(team).data["channel"] == channel.pk


@pytest.mark.django_db
def test_task_links_and_task_channels_with_board_cards(people, team, make_team):
    from teams.board.cards import create_card
    from teams.board.models import Column

    def card_in(a_team):
        column = Column.objects.filter(team=a_team).order_by("rank").first()
        event = create_card(people["lead"], a_team, column=column, title="Pilot")
        return event.data["card"]

    card = card_in(team)
    foreign = card_in(make_team(name="Other team"))
    message = post_message(people["expert"], team, channel=general(team),
                                    body=f"see #{card}, not #{foreign}, and `#{card}` in code")
    assert message.html.count("<a ") == 1 and f"/board/cards/{card}/" in message.html
    assert f"#{foreign}" in message.html and f"/board/cards/{foreign}/" not in message.html
    channel = create_channel(people["expert"], team, name="pilot task", card=card)
    assert channel.card_id == card
    with pytest.raises(ValidationError):
        create_channel(people["expert"], team, name="theirs", card=foreign)


@pytest.mark.django_db
def test_reading_is_not_activity(people, team):
    """A read receipt is live and replayed, but does not make the team look active."""
    from teams.discussion.models import Channel
    from teams.events import QUIET_KINDS
    from teams.models import Event, Team

    channel = Channel.objects.get(team=team, name="general")
    posted = post_message(people["lead"], team, channel=channel, body="Hello", thread=None)
    before = Team.objects.get(pk=team.pk).last_activity_at
    mark_read(people["expert"], team, channel=channel, message=posted)
    assert Event.objects.filter(team=team, kind__in=QUIET_KINDS).exists()
    assert Team.objects.get(pk=team.pk).last_activity_at == before
