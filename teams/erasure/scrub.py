"""Replacing an erased person's identity wherever it was copied as text: event payloads, notifications, others'
message and comment bodies (@mentions, in Markdown and rendered HTML), the search index, the admin's log.

What is replaced (case-insensitively): their full name ("First Last" and "Last, First") by the anonymised name,
an @mention of their username by one of the new username, their e-mail addresses by the anonymised name (by
nothing where the whole value is the address: an e-mail field stays valid), and a value that is exactly their
username, in JSON (event payloads) and where Django names an object (the admin log's object_repr), by the new
one: elsewhere a whole value such as a team's slug or a code may be the same word by chance. A bare username
inside other text is left alone: a login such as "anna" is an ordinary word in other people's messages. A first
name alone is left alone for the same reason.

`scrub_tables` applies this to every text and JSON column of every model that may hold copies: each table is
asked once for rows that contain any of the person's strings (also as JSON writes them, "\\u00fc" for "ü"), and
only the rows whose values really change are updated, by primary key (rows stay; the event log keeps its seqs).
"""
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models.functions import Cast

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)
WHOLE_LOGIN_FIELDS = {"admin.LogEntry.object_repr"}  # str(user) is the login
BATCH = 1000


@dataclass(frozen=True)
class Identity:
    """Who the person was: the strings to find."""
    names: tuple[str, ...]
    username: str
    emails: tuple[str, ...]


def _words(name: str) -> str:
    return r"\s+".join(re.escape(word) for word in name.split())


class Scrubber:
    def __init__(self, identity: Identity, *, name: str, username: str) -> None:
        self.identity, self.name, self.username = identity, name, username
        self._emails = [re.compile(re.escape(email), re.IGNORECASE) for email in identity.emails]
        self._names = [re.compile(rf"(?<!\w){_words(each)}(?!\w)", re.IGNORECASE)
                       for each in sorted(identity.names, key=len, reverse=True) if each.strip()]
        # As teams.mentions reads a mention: not after a word character, "@", "/" or "."; not going on as a
        # longer username.
        self._mention = re.compile(rf"(?<![\w@/.])@{re.escape(identity.username)}(?![\w]|[.+-]\w)", re.IGNORECASE)
        self._emails_whole = {email.casefold() for email in identity.emails}

    @property
    def needles(self) -> list[str]:
        """What a row must contain to need a look, as text and as JSON escapes it."""
        # The words of the names too (a name typed with two spaces or across a line is still found).
        words = {word for name in self.identity.names for word in name.replace(",", " ").split() if len(word) > 2}
        raw = {*self.identity.emails, self.identity.username, *words}
        return sorted({form for each in raw for form in (each, json.dumps(each)[1:-1])})

    def text(self, value: str, *, login_alone: bool = False) -> str:
        """`login_alone`: a value that is exactly their login is theirs (JSON, an object's name)."""
        whole = value.strip().casefold()
        if whole in self._emails_whole:
            return ""
        if login_alone and whole == self.identity.username.casefold():
            return self.username
        for pattern in self._emails:
            value = pattern.sub(self.name, value)
        value = self._mention.sub("@" + self.username, value)
        for pattern in self._names:
            value = pattern.sub(self.name, value)
        return value

    def value(self, value: object) -> object:
        """A JSON value with every string (keys too) scrubbed."""
        if isinstance(value, str):
            return self.text(value, login_alone=True)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key, login_alone=True): self.value(item) for key, item in value.items()}
        return value


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """Columns that may hold typed or copied text (a field with choices holds only its choices)."""
    return [field for field in model._meta.concrete_fields
            if isinstance(field, TEXT_FIELDS) and not field.primary_key and not field.choices]


def _candidates(model: type[models.Model], fields: list[models.Field], needles: list[str]) -> models.QuerySet:
    """Rows with any needle in any of the fields (a superset: the scrubber decides)."""
    annotations = {f"erasure_{field.attname}": Cast(field.attname, models.TextField())
                   for field in fields if isinstance(field, models.JSONField)}
    condition = models.Q()
    for field in fields:
        column = f"erasure_{field.attname}" if isinstance(field, models.JSONField) else field.attname
        for needle in needles:
            condition |= models.Q(**{f"{column}__icontains": needle})
    return model._default_manager.annotate(**annotations).filter(condition)


def scrub_model(model: type[models.Model], scrubber: Scrubber) -> int:
    """Scrub one table; returns how many rows changed."""
    fields = text_fields(model)
    if not fields:
        return 0
    names = [field.attname for field in fields]
    candidates = _candidates(model, fields, scrubber.needles).order_by("pk").values_list("pk", *names)
    changed_rows, after = 0, None
    while True:  # in batches by key: read a batch, then write its changes
        batch = list((candidates if after is None else candidates.filter(pk__gt=after))[:BATCH])
        for pk, *values in batch:
            changes = {}
            for name, field, old in zip(names, fields, values):
                new = old if old is None else scrubber.value(old) if isinstance(field, models.JSONField) else \
                    scrubber.text(old, login_alone=f"{model._meta.label}.{field.name}" in WHOLE_LOGIN_FIELDS)
                if new != old:
                    changes[name] = new
            if changes:
                model._default_manager.filter(pk=pk).update(**changes)
                changed_rows += 1
        if len(batch) < BATCH:
            return changed_rows
        after = batch[-1][0]


def scrub_tables(all_models: Iterable[type[models.Model]], scrubber: Scrubber) -> dict[str, int]:
    """Scrub every given table; returns the changed rows per table that had any."""
    counts = {model._meta.label: scrub_model(model, scrubber) for model in all_models}
    return {label: count for label, count in counts.items() if count}
