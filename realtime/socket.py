"""What the team consumer's parts (sessions.py, presence.py, ordering.py) share: one connection's state and
the consumer's methods they call. Declarations for the type checker only; the consumer sets and defines them."""
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from teams.models import Team


def scope_user(scope: Mapping[str, object]) -> User:
    """The connection's person: AuthMiddlewareStack's lazy User, an AnonymousUser when signed out (which
    connect() refuses before using it further); the stubs say UserLazyObject | None."""
    return cast(User, scope["user"])


def scope_language(scope: Mapping[str, object]) -> str:
    """The connection's language, found as LocaleMiddleware finds a page's: the language cookie the person
    chose, then the browser's Accept-Language, then LANGUAGE_CODE. Errors and acks are written in it."""
    cookies = cast(Mapping[str, str], scope.get("cookies") or {})
    headers = dict(cast(list[tuple[bytes, bytes]], scope.get("headers") or []))
    accepted = parse_accept_lang_header(headers.get(b"accept-language", b"").decode("latin-1"))
    for code in [cookies.get(settings.LANGUAGE_COOKIE_NAME), *(code for code, _quality in accepted)]:
        if code:
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
    return settings.LANGUAGE_CODE


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
