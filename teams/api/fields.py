"""JSON fields that take only their own JSON type: DRF's CharField would take 5 as "5" and its IntegerField "5"
as 5 (the WebSocket frames' rule, teams/frame_fields.py: a wrong type is refused, never converted)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class Text(serializers.CharField):
    default_error_messages = {"invalid": _("Enter text (a JSON string).")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Number(serializers.IntegerField):
    default_error_messages = {"invalid": _("Enter a whole number (a JSON number).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class Flag(serializers.BooleanField):
    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data
