"""The WebSocket protocol's command table (documented in docs/realtime.md).

A command turns one client frame into one service call. Each is registered with a Django
form that validates the frame's fields, so a bad frame gets the same clear messages a
bad form gets. Handlers run in a worker thread and return the Event the service recorded
(or None); they hold no business rules: those are in the services.

A `batched` command's handler takes many requests at once — handler(team, [(user,
cleaned_data)]) -> [Event | refusal] — and the consumer sends it the requests of every socket
of the process that arrived while the previous batch was written (realtime/group_commit.py).
"""
from dataclasses import dataclass
from typing import Callable

from django import forms


@dataclass(frozen=True)
class Command:
    name: str
    form: type[forms.Form]
    handler: Callable  # handler(user, team, cleaned_data) -> Event | None
    batched: bool = False  # then handler(team, [(user, cleaned_data)]) -> [Event | exception]


COMMANDS: dict[str, Command] = {}


def command(name, form, batched=False):
    def register(handler):
        if name in COMMANDS:
            raise ValueError(f"command {name!r} registered twice")
        COMMANDS[name] = Command(name, form, handler, batched)
        return handler

    return register


class ProtocolError(Exception):
    """A frame the server refuses; `code` is machine-readable, the message is for people."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message
