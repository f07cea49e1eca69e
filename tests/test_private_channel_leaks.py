"""A private channel leaks to nobody outside it (issue 16): its marker (tests/channel_helpers.MARKER: in its name,
topic, messages, reply) is absent from every answer a non-member gets — the socket's replay and live stream, the
polling endpoint, search, the API, notifications, the team page's activity, the channel pages, webhooks — while
its members get all of it. Non-members here: every role that views the team but was not chosen, cluster
management included."""
import json

import pytest
from asgiref.sync import sync_to_async

from teams.discussion.posting import post_message
from teams.models import Event, Team
from teams.notify.models import Notification
from teams.webhooks import services as webhook_services
from teams.webhooks.models import Endpoint
from tests.api_helpers import call, token_for
from tests.channel_helpers import MARKER, private_channel
from tests.discussion_helpers import general
from tests.webhook_helpers import Receiver, celery_worker, eventually
from tests.ws_client import connected, nothing_pending, request, send, until

pytestmark = pytest.mark.django_db(transaction=True)

NON_MEMBERS = ["supporter", "field_manager", "advisor", "manager"]  # view the team, not chosen
MEMBERS = ["lead", "expert", "observer"]


def http_answers(client, people, team, channel, root):
    """Every HTTP answer about the team a person gets, as text."""
    slug = team.slug
    token = token_for(people)
    pages = [f"/teams/{slug}/events/?after=0", f"/teams/{slug}/", f"/teams/{slug}/channels/",
             f"/teams/{slug}/channels/{general(team).pk}/", "/search/?q=root", "/search/?q=reply&kind=message",
             "/search/suggestions/?q=repl", "/notifications/"]  # words of its messages (the marker itself is echoed)
    answers = {path: client.get(path, follow=True) for path in pages}
    for path in (f"/api/v1/teams/{slug}/channels/", f"/api/v1/teams/{slug}/channels/{channel.pk}/messages/",
                 f"/api/v1/teams/{slug}/messages/{root.pk}/"):
        answers[path] = call(client, "get", path, token)
    return answers


@pytest.mark.parametrize("role", NON_MEMBERS + MEMBERS)
def test_http_answers_hold_the_private_channel_for_its_members_only(client, people, team, role):
    channel, root = private_channel(people, team)
    post_message(people["expert"], team, channel=general(team), body="a public word")
    client.force_login(people[role])
    answers = http_answers(client, people[role], team, channel, root)
    leaks = [path for path, response in answers.items() if MARKER in response.content.decode()]
    if role in NON_MEMBERS:
        assert leaks == [], f"{role} read the private channel at {leaks}"
        for path in (f"/teams/{team.slug}/channels/{channel.pk}/", f"/teams/{team.slug}/channels/{channel.pk}/pins/",
                     f"/teams/{team.slug}/channels/{channel.pk}/messages/", f"/search/?channel={channel.pk}&q=x"):
            assert client.get(path).status_code == 404, path
        polled = answers[f"/teams/{team.slug}/events/?after=0"].json()
        assert polled["seq"] == Team.objects.get(pk=team.pk).last_seq  # the next poll starts after the hidden ones
        assert all(frame["data"].get("channel") != channel.pk for frame in polled["events"])
        assert not Notification.objects.filter(recipient=people[role], data__icontains=MARKER).exists()
    else:
        assert {f"/teams/{team.slug}/events/?after=0", f"/api/v1/teams/{team.slug}/channels/", "/search/?q=root",
                f"/api/v1/teams/{team.slug}/messages/{root.pk}/"} <= set(leaks)
        assert client.get(f"/teams/{team.slug}/channels/{channel.pk}/").status_code == 200
    assert f"/teams/{team.slug}/" not in leaks  # the team page's activity is every viewer's: never private


@pytest.mark.parametrize("role", ["supporter", "manager", "expert"])
async def test_the_socket_replays_and_streams_private_events_to_members_only(people, team, role):
    channel, _root = await sync_to_async(private_channel)(people, team)
    public_channel = await sync_to_async(general)(team)
    member = role == "expert"
    async with connected(people[role], team, after=0) as socket, connected(people["lead"], team) as lead:
        assert any(MARKER in json.dumps(frame) for frame in socket.replayed) == member
        assert socket.seq == (await sync_to_async(lambda: Team.objects.get(pk=team.pk).last_seq)())
        # Live: a private post (and typing there), then a public post, which a non-member gets at once.
        await send(lead, {"type": "typing", "channel": channel.pk})
        private = await request(lead, {"type": "message.post", "id": "p", "channel": channel.pk,
                                       "body": f"{MARKER} live"})
        public = await request(lead, {"type": "message.post", "id": "q", "channel": public_channel.pk,
                                      "body": "public"})
        seen = []
        event = await until(socket, lambda f: f["type"] == "event" and f["seq"] == public["seq"], skipped=seen)
        assert event["data"]["body"] == "public"
        assert any(MARKER in json.dumps(frame) for frame in seen) == member
        assert any(frame["type"] == "typing" for frame in seen) == member
        assert await nothing_pending(socket)
    # A resume from before the private post gives a non-member nothing of it either.
    async with connected(people[role], team, after=private["seq"] - 1) as again:
        assert [f["seq"] for f in again.replayed] == ([private["seq"], public["seq"]] if member else [public["seq"]])


def test_webhooks_never_carry_a_private_channel(people, team, settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    with Receiver() as receiver, celery_worker():
        endpoint, _secret = webhook_services.create_endpoint(
            people["lead"], team, url=receiver.url,
            kinds=["channel.created", "message.posted", "reaction.added", "message.pinned"])
        private_channel(people, team)
        public = post_message(people["expert"], team, channel=general(team), body="public")
        eventually(lambda: Endpoint.objects.get(pk=endpoint.pk).cursor >= public.event.seq, what="the delivery")
    bodies = [body.decode() for _headers, body in receiver.requests]
    assert [json.loads(body)["seq"] for body in bodies] == [public.event.seq]
    assert not any(MARKER in body for body in bodies)
    assert Event.objects.filter(team=team, private_channel__isnull=False).count() >= 4
