from django.urls import path

from . import views

app_name = "contributions"
urlpatterns = [
    path("teams/<slug:slug>/members/<int:membership_id>/contribution/", views.contribution, name="edit"),
]
