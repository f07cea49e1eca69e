"""`make run` loads a realistic demo cluster: people in every role, teams in every state over
both fields, built through the services (so every team has a consistent event log)."""
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from teams.invitations.models import Invitation
from teams.models import ClusterRole, Event, Membership, Team

pytestmark = pytest.mark.django_db


def test_load_demo_builds_the_cluster_and_is_safe_to_run_again(client):
    out = StringIO()
    call_command("load_demo", "--url", "http://127.0.0.1:8011/", stdout=out)
    printed = out.getvalue()
    assert "Log in at http://127.0.0.1:8011/ with password 'demo'" in printed
    assert "anna" in printed and "david" in printed

    users = get_user_model().objects.all()
    assert users.count() >= 12
    roles = set(users.values_list("groups__name", flat=True))
    assert {role.value for role in ClusterRole} <= roles
    assert {"proposed", "active", "extended", "concluded", "archived"} <= set(
        Team.objects.values_list("status", flat=True))
    assert Team.objects.count() >= 6
    assert set(Team.objects.values_list("fields_of_action__code", flat=True)) == {"LST", "IC"}
    assert Team.objects.annotate(n=Count("fields_of_action")).filter(n=2).exists()  # a cross-field team
    assert Membership.objects.filter(state=Membership.State.REQUESTED).exists()  # a join request waits
    pending = Invitation.objects.filter(state=Invitation.State.PENDING)  # and invitations do, on two team pages
    assert pending.values("team").distinct().count() == 2 and pending.filter(invitee__username="katrin").exists()

    for team in Team.objects.all():  # every team's log is gapless and ends at last_seq
        seqs = list(Event.objects.filter(team=team).order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, team.last_seq + 1)), team
        assert team.memberships.filter(role=Membership.Role.LEAD, state=Membership.State.ACTIVE).exists(), team

    counts = (Team.objects.count(), Event.objects.count(), users.count(), Invitation.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Team.objects.count(), Event.objects.count(), get_user_model().objects.count(),
            Invitation.objects.count()) == counts

    assert client.login(username="anna", password="demo")
    assert client.get("/my/").status_code == 200
    assert client.login(username="david", password="demo")  # the lead sees the team's pending invitation
    assert "clara.neumann@charite.demo.example" in client.get("/teams/interoperable-patient-data/").content.decode()
