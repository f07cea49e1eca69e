"""What the team consumer's parts (sessions.py, presence.py, ordering.py) share: one connection's state and
the consumer's methods they call. Declarations for the type checker only; the consumer sets and defines them."""
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth.models import User

from teams.models import Team


def scope_user(scope: Mapping[str, object]) -> User:
    """The connection's person: AuthMiddlewareStack's lazy User, an AnonymousUser when signed out (which
    connect() refuses before using it further); the stubs say UserLazyObject | None."""
    return cast(User, scope["user"])


class Socket(AsyncWebsocketConsumer):
    user: User
    team: Team | None  # the team socket's, once accepted; None on /ws/me/ (realtime/notifications.py)
    group: str  # the channel-layer group the socket's rings come through
    session_key: str | None
    closing: bool  # the server closed the socket (or found it closed): frames still queued are dropped

    @property
    def team_id(self) -> int:
        """The team socket's team: its parts run only once the socket is accepted, with a team."""
        assert self.team is not None
        return self.team.pk

    if TYPE_CHECKING:
        async def send_json(self, content: dict) -> None: ...
        async def beat(self) -> None: ...
        async def recheck_access(self, team: bool = True) -> bool: ...
