from django.urls import path

from . import channel_views, file_views, people_views, views

app_name = "discussion"
urlpatterns = [
    path("teams/<slug:slug>/channels/", views.channels, name="channels"),
    path("teams/<slug:slug>/channels/new/", views.create_channel, name="create"),
    path("teams/<slug:slug>/channels/settings/", views.update_settings, name="settings"),
    path("teams/<slug:slug>/channels/people/", people_views.new_channel_people, name="people"),
    path("teams/<slug:slug>/channels/<int:channel_id>/", views.channel, name="channel"),
    path("teams/<slug:slug>/channels/<int:channel_id>/messages/", views.history, name="history"),
    path("teams/<slug:slug>/channels/<int:channel_id>/post/", views.post, name="post"),
    path("teams/<slug:slug>/channels/<int:channel_id>/files/", file_views.post_files, name="post_files"),
    path("teams/<slug:slug>/channels/<int:channel_id>/files/<int:file_id>/", file_views.download, name="file"),
    path("teams/<slug:slug>/channels/<int:channel_id>/edit/", channel_views.edit_channel, name="edit"),
    path("teams/<slug:slug>/channels/<int:channel_id>/archive/", channel_views.archive_channel, name="archive"),
    path("teams/<slug:slug>/channels/<int:channel_id>/members/", channel_views.channel_members, name="members"),
    path("teams/<slug:slug>/channels/<int:channel_id>/people/", people_views.channel_people,
         name="channel_people"),
    path("teams/<slug:slug>/channels/<int:channel_id>/pins/", channel_views.pins, name="pins"),
]
