"""The WebSocket protocol's command table (documented in docs/realtime.md).

A command turns one client frame into one service call. Each is registered with a Django
form that validates the frame's fields, so a bad frame gets the same clear messages a
bad form gets. Handlers run in a worker thread and return the Event the service recorded
(or None); they hold no business rules: those are in the services.
"""
from dataclasses import dataclass
from typing import Callable

from django import forms


@dataclass(frozen=True)
class Command:
    name: str
    form: type[forms.Form]
    handler: Callable  # handler(user, team, cleaned_data) -> Event | None


COMMANDS: dict[str, Command] = {}


def command(name, form):
    def register(handler):
        if name in COMMANDS:
            raise ValueError(f"command {name!r} registered twice")
        COMMANDS[name] = Command(name, form, handler)
        return handler

    return register


class ProtocolError(Exception):
    """A frame the server refuses; `code` is machine-readable, the message is for people."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message
