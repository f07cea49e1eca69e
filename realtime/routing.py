from typing import Any

from django.urls import path

from .consumers import TeamConsumer
from .direct import DirectConsumer
from .notifications import NotificationConsumer

# Django's path() is typed for views, channels' URLRouter (types-channels) for its own pattern type:
# the consumers' ASGI apps fit neither stub, though URLRouter takes exactly these patterns.
websocket_urlpatterns: list[Any] = [
    path("ws/teams/<slug:slug>/", TeamConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/me/", NotificationConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/dm/<int:conversation_id>/", DirectConsumer.as_asgi()),  # type: ignore[arg-type]
]
