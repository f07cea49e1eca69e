"""Markup that is the same for every request in the same language (the layout's navigation, the empty login form),
rendered once per process and kept in memory: {% once %} (templatetags/layout.py) and `remembered`.

Keys hold the language and the script prefix (URLs); a changed setting (tests) starts everything afresh.
"""
from collections.abc import Callable

from django.core.signals import setting_changed
from django.urls import get_script_prefix
from django.utils.translation import get_language

MAX_ENTRIES = 200  # a part × languages × key values: a handful each; the bound only guards a mistaken key
_generation = [0]
_remembered: dict[tuple, str] = {}


def key(*parts) -> tuple:
    return (_generation[0], get_language(), get_script_prefix(), *parts)


def store(entries: dict[tuple, str], name: tuple, value: str) -> str:
    if len(entries) >= MAX_ENTRIES:
        entries.clear()
    entries[name] = value
    return value


def remembered(name: str, build: Callable[[], str]) -> str:
    """`build()`'s markup for `name` in this language, built once: only for what no request or viewer changes."""
    full = key(name)
    found = _remembered.get(full)
    return found if found is not None else store(_remembered, full, build())


def _settings_changed(**_kwargs) -> None:
    _generation[0] += 1
    _remembered.clear()


setting_changed.connect(_settings_changed, dispatch_uid="teams.once")
