"""Ids and seqs in query strings: the team's event log (`after`), a channel's and a conversation's history
(`before`) take whole numbers from 0 to MAX_ID, else 400 with the documented error (teams.forms.query_ids);
an `after` past the team's log answers the team's last seq, never one the log has not reached."""
import re

import pytest

from teams.discussion.posting import post_message
from teams.forms import MAX_ID
from teams.models import Team
from tests.direct_helpers import pair
from tests.discussion_helpers import general

BAD = ["-1", "x", "1.5", " 1", "+1", "1_0", str(MAX_ID + 1), "99999999999999999999999"]


def ids(html):
    return [int(found) for found in re.findall(r'data-id="(\d+)"', html)]


@pytest.mark.django_db
def test_event_log_after_is_bounded_and_never_past_the_log(client, people, team):
    post_message(people["lead"], team, channel=general(team), body="one event at least")
    last = Team.objects.get(pk=team.pk).last_seq
    client.force_login(people["expert"])
    url = f"/teams/{team.slug}/events/"
    for after in BAD:
        answer = client.get(url, {"after": after})
        assert answer.status_code == 400, after
        assert answer.json() == {"error": "after must be a sequence number."}
    for after in (str(last), str(last + 1), str(MAX_ID)):
        page = client.get(url, {"after": after}).json()
        assert page == {"events": [], "seq": last, "complete": True}, after
    everything = client.get(url, {"after": "0"}).json()
    assert everything["seq"] == last == everything["events"][-1]["seq"] and everything["complete"]
    assert client.get(url).json() == everything


@pytest.mark.django_db
def test_direct_history_validates_before_as_the_channel_history_does(client, people, team):
    conversation = pair(people)
    client.force_login(people["expert"])
    direct = f"/messages/{conversation.pk}/history/"
    channel = f"/teams/{team.slug}/channels/{general(team).pk}/messages/"
    for before in BAD:
        for url, error in ((direct, "before is a message id."), (channel, "before, after and thread are message ids.")):
            answer = client.get(url, {"before": before})
            assert (answer.status_code, answer.json()) == (400, {"error": error}), (url, before)
    latest = client.get(direct).json()
    assert len(ids(latest["html"])) == 2 and not latest["more"]
    assert client.get(direct, {"before": "0"}).json() == latest  # 0, as for a channel: the newest page
    older = client.get(direct, {"before": str(latest["before"])}).json()
    assert ids(older["html"]) == [] and older["before"] is None
    assert client.get(direct, {"before": str(MAX_ID)}).json() == latest
