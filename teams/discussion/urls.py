from django.urls import path

from . import file_views, views

app_name = "discussion"
urlpatterns = [
    path("teams/<slug:slug>/channels/", views.channels, name="channels"),
    path("teams/<slug:slug>/channels/new/", views.create_channel, name="create"),
    path("teams/<slug:slug>/channels/settings/", views.update_settings, name="settings"),
    path("teams/<slug:slug>/channels/<int:channel_id>/", views.channel, name="channel"),
    path("teams/<slug:slug>/channels/<int:channel_id>/messages/", views.history, name="history"),
    path("teams/<slug:slug>/channels/<int:channel_id>/post/", views.post, name="post"),
    path("teams/<slug:slug>/channels/<int:channel_id>/files/", file_views.post_files, name="post_files"),
    path("teams/<slug:slug>/channels/<int:channel_id>/files/<int:file_id>/", file_views.download, name="file"),
]
