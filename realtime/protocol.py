"""The WebSocket protocol's command table (documented in docs/realtime.md).

A command turns one client frame into one service call. Each is registered with a Django
form that validates the frame's fields, so a bad frame gets the same clear messages a
bad form gets. Handlers run in a worker thread and return the Event the service recorded
(or None); they hold no business rules: those are in the services.

A command's form is its schema: its fields take only their JSON type (teams/frame_fields.py), and
every frame is checked against it (`validated`) before the handler runs, after `check_frame` has
checked the frame as a whole.

A `batched` command's handler takes many requests at once — handler(team, [(user,
cleaned_data)]) -> [Event | refusal] — and the consumer sends it the requests of every socket
of the process that arrived while the previous batch was written (realtime/group_commit.py).
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Command:
    name: str
    form: type[forms.Form]
    handler: Callable  # handler(user, team, cleaned_data) -> Event | None
    batched: bool = False  # then handler(team, [(user, cleaned_data)]) -> [Event | exception]


COMMANDS: dict[str, Command] = {}


def error_text(exc: Exception) -> str:
    """What a refused frame's sender is told."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Not allowed.")


def command(name: str, form: type[forms.Form], batched: bool = False) -> Callable[[Callable], Callable]:
    def register(handler: Callable) -> Callable:
        if name in COMMANDS:
            raise ValueError(f"command {name!r} registered twice")
        COMMANDS[name] = Command(name, form, handler, batched)
        return handler

    return register


# Every code an `error` frame may carry, each documented in docs/realtime.md ("Error codes").
ERROR_CODES = frozenset({"bad_json", "bad_frame", "unknown_type", "too_large", "rate_limited", "invalid", "stale",
                         "wip_limit", "forbidden", "not_found", "server_error"})

MAX_DEPTH = 8  # a frame is an object of fields, maybe inside "data": no schema goes deeper
_SURROGATE = re.compile("[\ud800-\udfff]")


class ProtocolError(Exception):
    """A frame the server refuses; `code` is machine-readable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        assert code in ERROR_CODES, code
        super().__init__(message)
        self.code = code
        self.message = message


def check_frame(frame: dict) -> None:
    """Refuse, before any handler runs, what no schema takes and what breaks the libraries below:
    nesting deeper than MAX_DEPTH (bad_frame), and a lone surrogate in any string, keys too, at any
    depth (invalid): "\\ud800" is valid JSON but no Unicode text, and SQLite, PostgreSQL and nh3 raise on it."""
    stack = [(frame, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise ProtocolError("invalid", _("The text is not valid Unicode (it holds a lone surrogate)."))
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise ProtocolError("bad_frame", _("The frame is nested too deeply."))
            stack.extend((item, depth + 1) for item in (
                [*value.keys(), *value.values()] if isinstance(value, dict) else value))


def joined(errors: ErrorList) -> str:
    """A form field's messages in one line: str at run time (the stubs allow ValidationErrors and lazy ones)."""
    return " ".join(str(error) for error in errors)


def validated(command: Command, data: dict) -> dict:
    """The command's fields checked against its schema (its form), or a ValidationError saying which are wrong."""
    form = command.form(data)
    if not form.is_valid():
        raise ValidationError([joined(errors) if field == "__all__" else f"{field}: {joined(errors)}"
                               for field, errors in form.errors.items()])
    return form.cleaned_data
