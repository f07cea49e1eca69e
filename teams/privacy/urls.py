from django.urls import path

from . import views
from .models import Notice

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.show, {"kind": Notice.Kind.PRIVACY}, name="privacy"),
    path("imprint/", views.show, {"kind": Notice.Kind.IMPRINT}, name="imprint"),
    path("privacy/edit/", views.edit, {"kind": Notice.Kind.PRIVACY}, name="edit_privacy"),
    path("imprint/edit/", views.edit, {"kind": Notice.Kind.IMPRINT}, name="edit_imprint"),
    path("privacy/acknowledge/", views.acknowledge, name="acknowledge"),
]
