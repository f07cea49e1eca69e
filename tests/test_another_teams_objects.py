"""Every page of a team, addressed with another team's object (as a person who may act in both): 404,
never a 500 and never a write. The URL patterns are walked, so a new one with a team and an id is covered."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse

from teams.board.models import Column
from teams.discussion.models import Channel, MessageFile
from teams.discussion.posting import post_message
from teams.invitations import services as invitation_services
from teams.models import Event, Membership
from teams.review import outputs as review_outputs
from teams.webhooks import services as webhook_services
from tests.chatfile_helpers import post_files, upload
from tests.test_board_gone import card_with_parts, media  # noqa: F401 (media is a fixture)

pytestmark = pytest.mark.django_db


def team_patterns(patterns=None, namespace=""):
    """(name, argument names) of every URL pattern with a team's slug and an object id."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLPattern):
            arguments = set(pattern.pattern.converters)
            if "slug" in arguments and len(arguments) > 1:
                yield f"{namespace}{pattern.name}", arguments - {"slug"}
        else:
            yield from team_patterns(pattern.url_patterns,
                                     f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)


def test_another_teams_objects_are_not_found_on_this_teams_pages(client, people, team, make_team, media):  # noqa: F811
    other = make_team(name="Other")
    lead = people["lead"]  # leads both teams: every refusal below is the team check, not a permission
    theirs = {**card_with_parts(other, lead, "Theirs"),
              "column_id": Column.objects.filter(team=other).first().pk,
              "channel_id": Channel.objects.filter(team=other).first().pk,
              "membership_id": Membership.objects.get(team=other, user=people["expert"]).pk,
              "output_id": review_outputs.add_output(lead, other, title="Paper", kind="concept").pk,
              "invitation_id": invitation_services.invite(lead, other, emails=["ada@example.org"],
                                                          role="expert").invitations[0].pk,
              "endpoint_id": webhook_services.create_endpoint(lead, other, url="https://93.184.215.14/hooks",
                                                              kinds=["card.created"])[0].pk,
              "message_id": post_message(lead, other, channel=Channel.objects.filter(team=other).first(),
                                         body="Theirs").pk}
    client.force_login(lead)
    their_channel = Channel.objects.filter(team=other).first()
    assert post_files(client, other, their_channel, upload("theirs.txt", b"theirs")).status_code == 200
    theirs["file_id"] = MessageFile.objects.get(message__channel=their_channel).pk
    checked = set()
    for name, arguments in team_patterns():
        assert arguments <= set(theirs), f"{name}: give this test an object for {arguments - set(theirs)}"
        url = reverse(name, kwargs={"slug": team.slug, **{a: theirs[a] for a in arguments}})
        events = Event.objects.count()
        for method in ("get", "post"):
            data = {"version": 1, "title": "x", "text": "x", "body": "x", "name": "x", "priority": "normal",
                    "role": "observer", "status": "done", "approve": "1",
                    "file": SimpleUploadedFile("b.txt", b"b")} if method == "post" else {}
            status = getattr(client, method)(url, data).status_code
            assert status in (404, 405), f"{method.upper()} {name}: {status}"
        assert Event.objects.count() == events, f"{name} wrote something"
        checked.add(name)
    assert {"board:checklist_remove", "discussion:post", "review:output_status", "teams:change_role",
            "invitations:revoke", "webhooks:endpoint", "webhooks:delete", "discussion:file", "discussion:post_files",
            "discussion:pins", "discussion:members"} <= checked
