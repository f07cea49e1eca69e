from django.urls import path

from . import views

app_name = "dataexport"
urlpatterns = [
    path("account/data/", views.request_own, name="request_own"),
    # The mailed link: its last segment is a key (workspace/redact.py keeps it out of logs).
    path("account/data/<str:token>/", views.download, name="download"),
    path("account/people/<int:user_id>/data/", views.request_for, name="request_for"),
]
