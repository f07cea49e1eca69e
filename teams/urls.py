from django.urls import path

from . import leaving, lists, team_page, views
from .board.my_tasks import my_tasks_page
from .invitations import views as invitations

app_name = "teams"
urlpatterns = [
    path("my/", lists.my_teams, name="my_teams"),
    path("my/tasks/", my_tasks_page, name="my_tasks"),
    path("teams/", lists.directory, name="directory"),
    path("teams/propose/", views.propose, name="propose"),
    path("teams/launch/", views.launch_new, name="launch_new"),
    path("masterplan/", views.masterplan, name="masterplan"),
    path("teams/<slug:slug>/", team_page.team_detail, name="detail"),
    path("teams/<slug:slug>/edit/", views.edit, name="edit"),
    path("teams/<slug:slug>/launch/", views.launch, name="launch"),
    path("teams/<slug:slug>/extend/", views.extend, name="extend"),
    path("teams/<slug:slug>/conclude/", views.conclude, name="conclude"),
    path("teams/<slug:slug>/archive/", views.archive, name="archive"),
    path("teams/<slug:slug>/events/", views.event_log, name="events"),
    path("teams/<slug:slug>/members/invite/", invitations.invite, name="invite"),
    path("teams/<slug:slug>/join/", views.request_join, name="request_join"),
    path("teams/<slug:slug>/leave/", leaving.leave, name="leave"),
    path("teams/<slug:slug>/members/<int:membership_id>/answer/", views.answer_join, name="answer_join"),
    path("teams/<slug:slug>/members/<int:membership_id>/role/", views.change_role, name="change_role"),
    path("teams/<slug:slug>/members/<int:membership_id>/remove/", views.remove_member, name="remove_member"),
]
