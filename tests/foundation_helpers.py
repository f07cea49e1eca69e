"""Helpers for the foundation's tests (lifecycle, forms, queries, realtime core).

`db_state()` snapshots everything a refused change must leave untouched, so a test can
assert "nothing written" as `db_state() == before`.
"""
from teams.invitations.models import Invitation
from teams.models import Event, Membership, Team, TeamUserObjectPermission


def db_state():
    """Rows of the team tables (and their content), for before/after comparisons."""
    return {
        "teams": list(Team.objects.order_by("pk").values()),
        "team_goals": sorted(Team.goals.through.objects.values_list("team_id", "strategicgoal_id")),
        "team_fields": sorted(Team.fields_of_action.through.objects.values_list("team_id", "fieldofaction_id")),
        "memberships": list(Membership.objects.order_by("pk").values("pk", "team_id", "user_id", "role", "state",
                                                                   "message")),
        "events": Event.objects.count(),
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "guardian": sorted(TeamUserObjectPermission.objects.values_list("user_id", "content_object_id",
                                                                        "permission_id")),
    }


def assert_refused(response, role):
    """A visitor's request the permissions refuse: to the login page when signed out, else 403 or 404."""
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code in (403, 404)


def page_text(response):
    return response.content.decode()


def assert_form_refuses(client, url, data, message):
    """A POST the form or its service refuses: the form comes back saying `message`, and nothing is written."""
    before = db_state()
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in page_text(response)
    assert db_state() == before


def restore_migrated_data():
    """Put back what the migrations load (content types, permissions, master plan, cluster
    groups) if an earlier transactional test flushed it and serialized_rollback could not
    restore it (a test running under Playwright's event loop gets a fresh connection)."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.core.management.sql import emit_post_migrate_signal

    from teams.models import StrategicGoal

    notices = import_module("teams.privacy.migrations.0002_default_notices")
    notices.load(apps, None)  # idempotent: get_or_create
    migration = import_module("teams.migrations.0002_masterplan_and_cluster_roles")
    if StrategicGoal.objects.count() == 29 and Group.objects.filter(name__in=migration.CLUSTER_ROLES).count() == len(
            migration.CLUSTER_ROLES):
        return
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    migration.load(apps, None)  # idempotent: update_or_create / get_or_create
