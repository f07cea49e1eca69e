"""Expertise keywords as people type them, and as they are stored and compared.

A keyword is plain text of at most 60 characters; spaces are trimmed and collapsed to one; two keywords
are the same when their `key` (the casefolded text: "FHIR" = "fhir", "Straße" = "STRASSE") is. A person
holds at most 20. Anything else (control or invisible characters, lone surrogates, HTML, a flood of
items, a non-string) is refused with a message the person can act on, before anything is written.
"""
import re
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from teams.text_input import NOT_UTF8

MAX_KEYWORDS = 20
MAX_LENGTH = 60
# What a text field may hold: 20 keywords of 60 characters with their separators, and some slack.
MAX_TEXT = 2000
SEPARATORS = re.compile(r"[,;\n\r]")
# Unicode categories no keyword needs: control (Cc), invisible format (Cf: zero-width and bidi controls),
# surrogates (Cs), private use (Co), unassigned (Cn). A tab is spacing, not a control, here.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def key_of(label: str) -> str:
    """The form two spellings of one keyword share."""
    return " ".join(label.split()).casefold()


def split_keywords(text: str) -> list[str]:
    """The keywords of a text field: separated by commas, semicolons or new lines; empty ones dropped."""
    if len(text) > MAX_TEXT:
        raise ValidationError(_("Too much text: name at most %(max)d keywords, separated by commas.")
                              % {"max": MAX_KEYWORDS}, code="max_length")
    return [part for part in SEPARATORS.split(text) if part.strip()]


def refuse_unprintable(text: str) -> None:
    """Refuse control and invisible characters (and lone surrogates, and U+FFFD: bytes that were not
    UTF-8) in a person's plain text."""
    if "\ufffd" in text:
        raise ValidationError(NOT_UTF8, code="not_utf8")
    if any(char != "\t" and unicodedata.category(char) in REFUSED_CATEGORIES for char in text):
        raise ValidationError(_("Plain text only: control characters and invisible characters are not allowed."),
                              code="invalid")


def _label(raw: object) -> str:
    if not isinstance(raw, str):
        raise ValidationError(_("A keyword must be text."), code="invalid")
    refuse_unprintable(raw)
    label = " ".join(raw.split())
    if "<" in label and ">" in label:
        raise ValidationError(_("HTML tags are not allowed here."), code="html")
    if len(label) > MAX_LENGTH:
        raise ValidationError(_("“%(keyword)s…” is too long: a keyword has at most %(max)d characters.")
                              % {"keyword": label[:20], "max": MAX_LENGTH}, code="max_length")
    return label


def normalised_keywords(items: Iterable[object]) -> dict[str, str]:
    """key → label of the given keywords in their order, the first spelling of a repeated one kept.
    Raises ValidationError (nothing is half-taken) on any bad item or on more than MAX_KEYWORDS."""
    too_many = ValidationError(ngettext("Name at most %(max)d keyword.", "Name at most %(max)d keywords.",
                                        MAX_KEYWORDS) % {"max": MAX_KEYWORDS}, code="max_keywords")
    if isinstance(items, (str, bytes)):
        raise ValidationError(_("A list of keywords was expected."), code="invalid")
    keywords: dict[str, str] = {}
    for count, raw in enumerate(items, start=1):
        if count > MAX_KEYWORDS * 10:  # a flood: stop reading it
            raise too_many
        label = _label(raw)
        if label:
            keywords.setdefault(key_of(label), label)
    if len(keywords) > MAX_KEYWORDS:
        raise too_many
    return keywords
