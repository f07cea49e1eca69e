from django.urls import path

from . import views

app_name = "direct"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/people/", views.people, name="people"),
    path("messages/new/", views.start, name="start"),
    path("messages/<int:conversation_id>/", views.conversation, name="conversation"),
    path("messages/<int:conversation_id>/history/", views.history, name="history"),
    path("messages/<int:conversation_id>/post/", views.post, name="post"),
    path("messages/<int:conversation_id>/<int:message_id>/edit/", views.edit, name="edit"),
    path("messages/<int:conversation_id>/<int:message_id>/delete/", views.delete, name="delete"),
    path("messages/<int:conversation_id>/<int:message_id>/react/", views.react, name="react"),
    path("messages/<int:conversation_id>/<int:message_id>/read/", views.read, name="read"),
]
