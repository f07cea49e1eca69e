"""Text people type into forms, checked the same way in forms and services, before anything is written:

- everywhere: a lone surrogate ("\\ud800") is no Unicode text (SQLite and PostgreSQL raise on it, a 500), a
  NUL byte is refused by PostgreSQL, and U+FFFD is what Django makes of bytes that are not UTF-8 (stored,
  they would show as "���" for good);
- a single line (names of people and organisations, titles; `check_line`): no control characters (C0, C1,
  tab and line breaks included), no bidi embeddings, overrides or isolates (U+202A–U+202E, U+2066–U+2069:
  they reorder what follows them on the page), no zero-width or invisible characters (U+200B–U+200D,
  U+2060, U+FEFF, the soft hyphen U+00AD: two names that look the same would differ), but the zero-width
  joiner inside an emoji (👩‍⚕️ is 👩, U+200D, ⚕, U+FE0F), where it is visible as one picture;
- several lines (messages, contribution texts; `check_lines`): no control characters but new lines and
  tabs, no bidi embeddings, overrides or isolates.
"""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

_SURROGATE = re.compile("[\ud800-\udfff]")
_BIDI = "\u202a-\u202e\u2066-\u2069"
_PICTOGRAPH = "\u2600-\u27bf\U0001f000-\U0001faff"
# A joiner is refused unless it stands between two pictographs (the first may carry a skin tone or U+FE0F).
_NOT_IN_A_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u200b\u200c\u2060\ufeff\u00ad]"
                            f"|(?<![{_PICTOGRAPH}\ufe0f])\u200d|\u200d(?![{_PICTOGRAPH}])")
_NOT_IN_LINES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
NOT_UNICODE = _("The text is not valid Unicode (it holds a lone surrogate).")
NUL = _("Null characters are not allowed.")
NOT_UTF8 = _("The text holds characters that could not be read (it was not sent as UTF-8, shown as “�”). "
             "Please type it again.")
UNPRINTABLE = _("Plain text only: control characters and invisible characters are not allowed.")
TAGS = _("HTML tags are not allowed here.")


def check_unicode(value: object) -> None:
    """A validator: raise ValidationError for a string with a lone surrogate or a NUL byte (any text, also
    passwords and addresses)."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ValidationError(NOT_UNICODE, code="surrogate")
        if "\x00" in value:
            raise ValidationError(NUL, code="null_characters_not_allowed")


def _check_text(value: object, refused: re.Pattern) -> None:
    check_unicode(value)
    if isinstance(value, str):
        if "\ufffd" in value:
            raise ValidationError(NOT_UTF8, code="not_utf8")
        if refused.search(value):
            raise ValidationError(UNPRINTABLE, code="unprintable")


def check_line(value: object) -> None:
    """A validator for a single line of text shown to others: a name, a title."""
    _check_text(value, _NOT_IN_A_LINE)


def check_no_tags(value: object) -> None:
    """A validator for a name or title that people might mistake for markup: it would be shown escaped; say so."""
    if isinstance(value, str) and "<" in value and ">" in value:
        raise ValidationError(TAGS, code="html")


def check_lines(value: object) -> None:
    """A validator for text of several lines shown to others: a message, a description."""
    _check_text(value, _NOT_IN_LINES)


def bounded_text(value: object, *, field: str, max_length: int, label: str = "", lines: bool = False) -> str:
    """`value` as stripped text of at most `max_length` characters (services: the same rule as their forms:
    `check_lines` if `lines`, else `check_line`), or a ValidationError on `field`."""
    if not isinstance(value, str):
        raise ValidationError({field: _("Enter text.")})
    try:
        (check_lines if lines else check_line)(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    value = value.strip()
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(max)d characters, please (this has %(length)d).")
                               % {"max": max_length, "length": len(value)}})
    return value


class UnicodeCharField(forms.CharField):
    """A CharField for text people read: a single line (`check_line`) or, with lines=True, several lines
    (`check_lines`). secret=True (passwords) refuses only what no database stores (`check_unicode`)."""

    def __init__(self, *, lines: bool = False, secret: bool = False, **kwargs):
        super().__init__(**kwargs)
        # Ours refuses NUL too, with the same words: Django's own would say it a second time.
        self.validators = [validator for validator in self.validators
                           if not isinstance(validator, ProhibitNullCharactersValidator)]
        self.validators.append(check_unicode if secret else check_lines if lines else check_line)
