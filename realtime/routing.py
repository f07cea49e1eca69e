from django.urls import path

from .consumers import TeamConsumer

websocket_urlpatterns = [
    path("ws/teams/<slug:slug>/", TeamConsumer.as_asgi()),
]
