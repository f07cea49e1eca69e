from django.urls import path

from . import page, views

app_name = "board"
card = "teams/<slug:slug>/board/cards/<int:card_id>/"
urlpatterns = [
    path("teams/<slug:slug>/board/", page.board, name="board"),
    path(card, views.card, name="card"),
    path(card + "comments/", views.card_comment, name="card_comment"),
    path(card + "checklist/", views.checklist_add, name="checklist_add"),
    path(card + "checklist/<int:item_id>/remove/", views.checklist_remove, name="checklist_remove"),
    path(card + "attachments/", views.attachment_add, name="attachment_add"),
    path(card + "attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path(card + "attachments/<int:attachment_id>/remove/", views.attachment_remove, name="attachment_remove"),
    path("teams/<slug:slug>/board/preview/", views.preview, name="preview"),
    path("teams/<slug:slug>/board/columns/<int:column_id>/", views.column_settings, name="column_settings"),
]
