"""Text people type into forms, checked the same way in forms and services: a lone surrogate ("\\ud800") is no
Unicode text (SQLite and PostgreSQL raise on it, a 500), a NUL byte is refused by PostgreSQL. Both are refused
with a clear message before anything is written."""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SURROGATE = re.compile("[\ud800-\udfff]")
NOT_UNICODE = _("The text is not valid Unicode (it holds a lone surrogate).")
NUL = _("Null characters are not allowed.")


def check_unicode(value: object) -> None:
    """A validator: raise ValidationError for a string with a lone surrogate or a NUL byte."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ValidationError(NOT_UNICODE, code="surrogate")
        if "\x00" in value:
            raise ValidationError(NUL, code="null_characters_not_allowed")


def bounded_text(value: object, *, field: str, max_length: int, label: str = "") -> str:
    """`value` as stripped text of at most `max_length` characters (services: the same rule as their forms),
    or a ValidationError on `field`."""
    if not isinstance(value, str):
        raise ValidationError({field: _("Enter text.")})
    try:
        check_unicode(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    value = value.strip()
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(max)d characters, please (this has %(length)d).")
                               % {"max": max_length, "length": len(value)}})
    return value


class UnicodeCharField(forms.CharField):
    """A CharField that refuses lone surrogates and NUL bytes with a clear message."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(check_unicode)
