from django.urls import path

from . import views

app_name = "invitations"
urlpatterns = [
    path("teams/<slug:slug>/invitations/", views.pending, name="pending"),
    path("teams/<slug:slug>/invitations/<int:invitation_id>/resend/", views.resend, name="resend"),
    path("teams/<slug:slug>/invitations/<int:invitation_id>/revoke/", views.revoke, name="revoke"),
    path("invitations/<str:token>/", views.open_link, name="open"),
    path("my/invitations/<int:invitation_id>/answer/", views.answer_mine, name="answer"),
]
