"""Fields of the WebSocket frames' forms: the commands' schemas (docs/realtime.md, docs/board.md).

A frame's values are JSON, not an HTML form's strings, and Django's fields are made for those: they
turn a list or a number into text (str()), "7" or 7.0 into 7, "false" or 0 into a boolean. Each field
here takes only its JSON type (a bool is not a number); null, or a missing field, is empty.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import MAX_ID, PlainTextField

MAX_INT = 2**31 - 1  # a plain integer column (a card's version)
ID_MESSAGE = _("Give an id (a whole number).")


class JsonTypeMixin:
    json_type: type = str
    type_message = _("Give text.")

    def to_python(self, value):
        if value is not None and type(value) is not self.json_type:
            raise forms.ValidationError(self.error_messages.get("invalid", self.type_message), code="invalid")
        return super().to_python(value)


class TextField(JsonTypeMixin, forms.CharField):
    pass


class PlainText(JsonTypeMixin, PlainTextField):
    pass


class ChoiceField(JsonTypeMixin, forms.ChoiceField):
    type_message = _("Choose one of the offered values.")


class BooleanField(JsonTypeMixin, forms.BooleanField):
    json_type = bool
    type_message = _("Give true or false.")

    def __init__(self, **kwargs):
        # false or missing is a value, not "no answer"; a plain widget hands the value over as sent
        # (CheckboxInput would read "false" as False and anything else as bool(value)).
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)


class IntegerField(JsonTypeMixin, forms.IntegerField):
    json_type = int

    def __init__(self, *, min_value=1, max_value=MAX_INT, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


def id_field(required=True):
    """An id of a row: a whole number from 1 to MAX_ID (a larger one is an OverflowError in the database)."""
    return IntegerField(max_value=MAX_ID, required=required, error_messages={
        "invalid": ID_MESSAGE, "min_value": ID_MESSAGE, "max_value": ID_MESSAGE})


class IdListField(JsonTypeMixin, forms.Field):
    """A JSON list of ids (each a whole number from 1 to MAX_ID), at most `max_items`; missing is empty."""

    json_type = list
    type_message = _("Give a list of ids (whole numbers).")
    default_error_messages = {"invalid": type_message, "too_many": _("Give at most %(max)d ids.")}

    def __init__(self, *, max_items=200, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_items = max_items

    def to_python(self, value):
        value = super().to_python(value)  # a list, or None
        if value is None:
            return []
        if any(type(item) is not int or not 1 <= item <= MAX_ID for item in value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(value) > self.max_items:
            raise forms.ValidationError(self.error_messages["too_many"] % {"max": self.max_items}, code="too_many")
        return list(dict.fromkeys(value))


class IsoDateField(JsonTypeMixin, forms.DateField):
    """A date as "YYYY-MM-DD" only (never the person's localised form: a date field's old bug)."""

    type_message = _("Give a date as YYYY-MM-DD.")

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%d"], required=False, localize=False,
                         error_messages={"invalid": self.type_message}, **kwargs)
