from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("notifications/", views.notifications, name="list"),
    path("notifications/read/", views.mark_read, name="read"),
    path("notifications/<int:notification_id>/", views.open_notification, name="open"),
    path("notifications/preferences/", views.preferences, name="preferences"),
]
