from django.urls import path

from . import views

app_name = "board"
urlpatterns = [
    path("teams/<slug:slug>/board/", views.board, name="board"),
]
