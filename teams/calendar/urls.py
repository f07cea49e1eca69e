from django.urls import path

from . import views

app_name = "calendar"
urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar, name="feed"),
    path("account/calendar/new/", views.new_link, name="new_link"),
    path("account/calendar/revoke/", views.revoke, name="revoke"),
]
