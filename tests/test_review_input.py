"""Review writes: an empty POST is a submitted (and refused) form, never a GET; goals are the team's own."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from teams.models import Event, StrategicGoal, Team
from teams.review import closing as review_closing
from teams.review import meetings as review_meetings
from teams.review import outputs as review_outputs
from teams.review.models import ClosingReport, Output, ReviewMeeting

pytestmark = pytest.mark.django_db
REQUIRED = "This field is required."


def test_an_empty_post_is_refused_with_its_errors_on_every_review_form(client, people, team):
    meeting = review_meetings.schedule_review(people["advisor"], title="Q4", teams=[team],
                                       scheduled_for=timezone.now() + datetime.timedelta(days=3))
    events = Event.objects.count()
    for who, url in [("lead", reverse("review:outputs", args=[team.slug])),
                     ("manager", reverse("review:conclude", args=[team.slug])),
                     ("advisor", reverse("review:meetings")),
                     ("advisor", reverse("review:meeting", args=[meeting.pk]))]:
        client.force_login(people[who])
        response = client.post(url, {})
        assert REQUIRED in response.content.decode(), url
    assert Event.objects.count() == events
    assert not Output.objects.exists() and not ClosingReport.objects.exists()
    assert ReviewMeeting.objects.get().minutes == ""


def other_goal(team):
    return StrategicGoal.objects.exclude(pk__in=team.goals.all()).first()


@pytest.mark.parametrize("goal", [other_goal, lambda team: 10**6], ids=["another team's goal", "unknown goal"])
def test_an_output_serves_only_the_teams_own_goals(people, team, goal):
    with pytest.raises(ValidationError) as refused:
        review_outputs.add_output(people["lead"], team, title="Paper", kind="concept", goals=[goal(team)])
    assert "goals" in refused.value.error_dict
    assert not Output.objects.exists()
    own = review_outputs.add_output(people["lead"], team, title="Paper", kind="concept", goals=list(team.goals.all()))
    assert set(own.goals.all()) == set(team.goals.all())


def test_a_closing_report_advances_only_the_teams_own_goals(people, team):
    with pytest.raises(ValidationError) as refused:
        review_closing.conclude_with_report(people["manager"], team, summary="Done",
                                            goals_advanced=[other_goal(team)])
    assert "goals_advanced" in refused.value.error_dict
    assert Team.objects.get(pk=team.pk).status == team.status and not ClosingReport.objects.exists()
