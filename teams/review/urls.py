from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("review/", views.overview, name="overview"),
    path("review/unworked-goals/", views.unworked_goals, name="unworked"),
    path("review/meetings/", views.meetings, name="meetings"),
    path("review/meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("reports/", views.request_report, name="request_report"),
    path("reports/<int:export_id>/", views.report, name="report"),
    path("reports/<int:export_id>/status/", views.report_status, name="report_status"),
    path("reports/<int:export_id>/download/", views.download, name="download"),
    path("teams/<slug:slug>/review/", views.team_review, name="team"),
    path("teams/<slug:slug>/review/notes/", views.team_notes, name="notes"),
    path("teams/<slug:slug>/review/notes/add/", views.add_note, name="add_note"),
    path("teams/<slug:slug>/outputs/", views.outputs, name="outputs"),
    path("teams/<slug:slug>/outputs/<int:output_id>/status/", views.output_status, name="output_status"),
    path("teams/<slug:slug>/outputs/<int:output_id>/file/", views.output_file, name="output_file"),
    path("teams/<slug:slug>/conclude-with-report/", views.conclude, name="conclude"),
]
