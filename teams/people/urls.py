from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/me/edit/", views.edit_profile, name="edit_profile"),
    path("people/suggestions/launch/", views.launch_suggestions, name="launch_suggestions"),
    path("people/<str:username>/", views.person, name="person"),
]
