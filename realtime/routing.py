from django.urls import path

from .consumers import TeamConsumer
from .notifications import NotificationConsumer

websocket_urlpatterns = [
    path("ws/teams/<slug:slug>/", TeamConsumer.as_asgi()),
    path("ws/me/", NotificationConsumer.as_asgi()),
]
