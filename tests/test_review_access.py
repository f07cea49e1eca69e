"""Who may do what in supervision: the advisory board reads everything and writes only review
notes; a field-of-action manager sees their field's teams; experts only their own."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from teams.models import Event, FieldOfAction, Team
from teams.permissions import Action, can
from teams.review import closing as review_closing
from teams.review import meetings as review_meetings
from teams.review import outputs as review_outputs
from teams.review import reports as review_reports
from teams.review.models import ClosingReport, Output, ReportExport, ReviewNote
from tests.conftest import make_user
from tests.matrix import ROLES, may
from tests.queries import assert_constant, statements


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_review_matrix_over_http(client, people, team, role):
    may_review, may_view, may_contribute = (may(role, action) for action in ("review", "view", "contribute"))
    user = people[role]
    assert (can(user, Action.REVIEW, team), can(user, Action.VIEW, team)) == (may_review, may_view)
    client.force_login(user)
    page = client.get(f"/teams/{team.slug}/review/")
    assert page.status_code == (200 if may_view else 404)
    if may_view:
        assert (f'action="/teams/{team.slug}/review/notes/add/"' in page.content.decode()) == may_review
    before = Event.objects.count()
    response = client.post(f"/teams/{team.slug}/review/notes/add/", {"body": f"note by {role}"})
    assert ReviewNote.objects.filter(body=f"note by {role}").exists() == may_review
    assert response.status_code in ((302,) if may_review else (403, 404))
    response = client.post(f"/teams/{team.slug}/outputs/", {"title": f"output by {role}", "kind": "concept",
                                                             "status": "planned"})
    assert Output.objects.filter(title=f"output by {role}").exists() == may_contribute
    if not (may_review or may_contribute):
        assert Event.objects.count() == before, "a refused request writes nothing"


@pytest.mark.django_db
def test_advisory_board_writes_nothing_but_notes(client, people, team):
    advisor = people["advisor"]
    allowed = (Action.VIEW, Action.REVIEW, Action.REQUEST_JOIN)
    assert not any(can(advisor, action, team) for action in Action if action not in allowed)
    with pytest.raises(PermissionDenied):
        review_outputs.add_output(advisor, team, title="x", kind="concept")
    with pytest.raises(PermissionDenied):
        review_closing.conclude_with_report(advisor, team, summary="done")


@pytest.mark.django_db
def test_supervisors_see_their_teams_only(client, people, make_team):
    lst = make_team(name="Life team")
    ic = make_team(name="Care team", fields_of_action=list(FieldOfAction.objects.filter(code="IC")))
    mine = make_user("solo")
    from teams import membership as membership_services
    membership_services.enrol_member(people["manager"], ic, user=mine, role="expert")
    seen = {}
    for role, user in [("fm", people["field_manager"]), ("other", people["other_field_manager"]),
                       ("advisor", people["advisor"]), ("solo", mine)]:
        client.force_login(user)
        desk = client.get("/desk/").content.decode()
        overview = client.get("/review/").content.decode()
        seen[role] = {name for name in ("Life team", "Care team") if f">{name}</a>" in desk}
        assert seen[role] == {name for name in ("Life team", "Care team") if f">{name}</a>" in overview}
    assert seen == {"fm": {"Life team"}, "other": {"Care team"}, "advisor": {"Life team", "Care team"},
                    "solo": {"Care team"}}
    client.force_login(mine)
    assert client.get(f"/teams/{lst.slug}/review/").status_code == 404


@pytest.mark.django_db
def test_conclude_needs_a_closing_report_that_outlives_archiving(client, people, team):
    client.force_login(people["manager"])
    page = client.get(f"/teams/{team.slug}/").content.decode()
    assert f'href="/teams/{team.slug}/conclude-with-report/"' in page
    response = client.post(f"/teams/{team.slug}/conclude-with-report/", {"summary": ""})
    assert response.status_code == 200 and Team.objects.get(pk=team.pk).status == "active"
    output = review_outputs.add_output(people["lead"], team, title="FHIR profile", kind="concept", status="done")
    goal = team.goals.first()
    response = client.post(f"/teams/{team.slug}/conclude-with-report/", {
        "summary": "We agreed on **three** profiles.", "outputs": [output.pk], "goals_advanced": [goal.pk],
        "lessons": "Start with the data."})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.status == "concluded"
    report = ClosingReport.objects.get(team=team)
    assert list(report.outputs.all()) == [output] and list(report.goals_advanced.all()) == [goal]
    kinds = list(Event.objects.filter(team=team).order_by("-seq").values_list("kind", flat=True)[:2])
    assert kinds == ["closing_report.written", "team.concluded"]
    from teams import services
    services.archive_team(people["manager"], team)
    client.force_login(people["expert"])
    page = client.get(f"/teams/{team.slug}/review/").content.decode()
    assert "<strong>three</strong>" in page and "Start with the data." in page


@pytest.mark.django_db
def test_review_meeting_agenda_and_minutes(client, people, make_team):
    one, two = make_team(name="One"), make_team(name="Two")
    client.force_login(people["expert"])
    assert client.post("/review/meetings/", {"title": "x"}).status_code == 403
    client.force_login(people["advisor"])
    response = client.post("/review/meetings/", {"title": "Spring review", "scheduled_for": "2099-03-01T10:00",
                                                 "teams": [one.pk, two.pk]})
    assert response.status_code == 302
    meeting = one.review_meetings.get()
    assert "One —" in meeting.agenda and "Two —" in meeting.agenda and "tasks done" in meeting.agenda
    note = review_meetings.add_review_note(people["advisor"], one, body="Keep going", meeting=meeting)
    client.post(f"/review/meetings/{meeting.pk}/", {"minutes": "Both teams on track."})
    meeting.refresh_from_db()
    assert meeting.minutes == "Both teams on track."
    assert Event.objects.filter(kind="review_meeting.minutes").count() == 2
    client.force_login(people["lead"])
    page = client.get(f"/review/meetings/{meeting.pk}/").content.decode()
    assert "Both teams on track." in page and note.body in page and "Save minutes" not in page
    client.force_login(people["outsider"])
    assert client.get(f"/review/meetings/{meeting.pk}/").status_code == 404


@pytest.mark.django_db
def test_user_text_is_escaped_or_sanitised(client, people, team):
    review_meetings.add_review_note(people["advisor"], team,
                                    body="<script>alert(1)</script><img src=x onerror=alert(2)> *ok*")
    client.force_login(people["lead"])
    page = client.get(f"/teams/{team.slug}/review/").content.decode()
    assert "<script>alert(1)" not in page and "onerror" not in page and "<em>ok</em>" in page


@pytest.mark.django_db
def test_exports_downloadable_by_permitted_people_only(client, people, team, django_capture_on_commit_callbacks,
                                                       monkeypatch):
    monkeypatch.setattr(review_reports, "enqueue_report", lambda export_id: review_reports.build_report(export_id))
    client.force_login(people["expert"])
    assert client.post("/reports/", {"format": "csv"}).status_code == 403  # the cluster report
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/", {"format": "csv", "team": team.slug})
    export = ReportExport.objects.get()
    assert response["Location"] == f"/reports/{export.pk}/"
    assert client.get(f"/reports/{export.pk}/status/").json()["status"] == "done"
    download = client.get(f"/reports/{export.pk}/download/")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff" and "sandbox" in download["Content-Security-Policy"]
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Team,Status") and "Data Spaces" in body
    for role, status in [("outsider", 404), ("other_field_manager", 404), ("advisor", 200), ("lead", 200)]:
        client.force_login(people[role])
        assert client.get(f"/reports/{export.pk}/download/").status_code == status, role
    assert review_reports.build_report(export.pk) is None  # done: a second run changes nothing


@pytest.mark.django_db
def test_a_review_meeting_page_reads_in_constant_queries_as_notes_grow(client, people, make_team):
    """A field-of-action manager's view check per note used to read the note's team fields once per note."""
    teams = [make_team(name="One"), make_team(name="Two")]
    meeting = review_meetings.schedule_review(people["advisor"], title="Spring", teams=teams,
                                              scheduled_for=timezone.now() + datetime.timedelta(days=30))
    client.force_login(people["field_manager"])
    url = f"/review/meetings/{meeting.pk}/"

    def page_with(notes):
        for n in range(notes):
            review_meetings.add_review_note(people["advisor"], teams[n % 2], body=f"Note {n}", meeting=meeting)
        response, sql = statements(lambda: client.get(url))
        assert response.status_code == 200
        return len(sql)

    assert_constant(page_with(1), page_with(19), budget=20)
