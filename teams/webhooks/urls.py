from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("teams/<slug:slug>/webhooks/", views.endpoints, name="list"),
    path("teams/<slug:slug>/webhooks/<int:endpoint_id>/", views.endpoint, name="endpoint"),
    path("teams/<slug:slug>/webhooks/<int:endpoint_id>/enable/", views.enable, name="enable"),
    path("teams/<slug:slug>/webhooks/<int:endpoint_id>/disable/", views.disable, name="disable"),
    path("teams/<slug:slug>/webhooks/<int:endpoint_id>/delete/", views.delete, name="delete"),
]
