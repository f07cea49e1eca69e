"""Helpers for the foundation's tests (lifecycle, forms, queries, realtime core).

`db_state()` snapshots everything a refused change must leave untouched, so a test can
assert "nothing written" as `db_state() == before`.
"""
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
        "guardian": sorted(TeamUserObjectPermission.objects.values_list("user_id", "content_object_id",
                                                                        "permission_id")),
    }


def page_text(response):
    return response.content.decode()
