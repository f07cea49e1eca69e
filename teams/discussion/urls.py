from django.urls import path

from . import views

app_name = "discussion"
urlpatterns = [
    path("teams/<slug:slug>/channels/", views.channels, name="channels"),
]
