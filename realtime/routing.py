from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path, re_path

from .consumers import TeamConsumer
from .direct import DirectConsumer
from .notifications import NotificationConsumer


class RefusingConsumer(AsyncWebsocketConsumer):
    """Every path no route takes (`/ws/dm/abc/`, `/ws/foo/`): the handshake is refused with 403, as for an
    unknown team or conversation, where URLRouter alone raised (a 500 and a traceback)."""

    async def connect(self):
        await self.close()  # before accept: 403


# Django's path() is typed for views, channels' URLRouter (types-channels) for its own pattern type:
# the consumers' ASGI apps fit neither stub, though URLRouter takes exactly these patterns.
websocket_urlpatterns: list[Any] = [
    path("ws/teams/<slug:slug>/", TeamConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/me/", NotificationConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/dm/<int:conversation_id>/", DirectConsumer.as_asgi()),  # type: ignore[arg-type]
    re_path(r"", RefusingConsumer.as_asgi()),  # type: ignore[arg-type]  # last: whatever is left
]
