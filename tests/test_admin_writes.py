"""The admin writes nothing that must go through a service: every registered model is walked.

A model the admin may write is on ALLOWED with what it may do and why; every other model refuses a
superuser's add, change and delete (the pages, and the bulk "delete selected" action)."""
import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from teams.models import StrategicGoal, Team
from teams.notify.models import Notification
from teams.review.models import JobRun, ReviewNote
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ALLOWED = {
    "auth.user": {"add", "change", "delete"},  # user management: cluster bodies are groups
    "auth.group": {"add", "change", "delete"},
    # django-axes: unlocking a locked-out login is what these pages are for (their fields are read-only)
    "axes.accessattempt": {"change", "delete"},
    "axes.accesslog": {"change", "delete"},
    "axes.accessfailurelog": {"change", "delete"},
    # the master plan and profiles are reference data: edited here, never deleted (teams link to them)
    "teams.focalarea": {"add", "change"},
    "teams.fieldofaction": {"add", "change"},
    "teams.strategicgoal": {"add", "change"},
    "teams.profile": {"add", "change"},
    "people.organisation": {"add", "change"},
    "teams.team": {"change"},  # saved by services.update_team (tests/test_team_admin.py)
}


@pytest.fixture
def root(db):
    return make_user("root", is_staff=True, is_superuser=True)


def test_every_registered_model_refuses_the_writes_that_bypass_its_service(client, root):
    request = RequestFactory().get("/admin/")
    request.user = root
    client.force_login(root)
    assert set(ALLOWED) <= {model._meta.label_lower for model in admin.site._registry}, "stale allow-list"
    for model, model_admin in admin.site._registry.items():
        label, allowed = model._meta.label_lower, ALLOWED.get(model._meta.label_lower, set())
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        may = {"add": model_admin.has_add_permission(request), "change": model_admin.has_change_permission(request),
               "delete": model_admin.has_delete_permission(request)}
        assert {what for what, yes in may.items() if yes} == allowed, label
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, label  # still viewable
        assert ("delete_selected" in model_admin.get_actions(request)) == ("delete" in allowed), label
        if "add" not in allowed:
            assert client.get(reverse(f"{name}_add")).status_code == 403, label
        if "delete" not in allowed:
            assert client.post(reverse(f"{name}_delete", args=[1]), {"post": "yes"}).status_code == 403, label
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_delete_permission(request), f"{label}: {inline.model._meta.label_lower}"


def test_the_admin_cannot_delete_what_the_issue_found(client, root, people, team):
    """Review notes, job runs (a deletion re-armed the reminder), goals (unlinked teams), notifications."""
    from teams.review import meetings as review_meetings
    note = review_meetings.add_review_note(people["advisor"], team, body="Good start")
    run = JobRun.objects.create(kind="team.ending_soon", object_id=team.pk, date=team.end_date)
    goal = team.goals.first()
    notification = Notification.objects.create(recipient=people["lead"], kind="mention", team=team)
    client.force_login(root)
    for obj in (note, run, goal, notification):
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403, opts.label
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
        assert type(obj).objects.filter(pk=obj.pk).exists(), opts.label
    assert goal in Team.objects.get(pk=team.pk).goals.all() and StrategicGoal.objects.filter(pk=goal.pk).exists()
    assert ReviewNote.objects.filter(pk=note.pk).exists()
