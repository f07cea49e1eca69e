"""Inputs whose value the browser parses: always machine format, in every language.

`<input type="date">` accepts only YYYY-MM-DD, `datetime-local` only YYYY-MM-DDTHH:MM and `number`
only digits with a dot. Django's widgets render the *localised* value ("29.11.2026", "1.000"), which
the browser rejects and shows empty, so the next save erases it. Use these everywhere instead.
"""
from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class NumberInput(forms.NumberInput):
    def format_value(self, value):
        # formats.localize_input would write "1.000" with USE_THOUSAND_SEPARATOR.
        return None if value in (None, "") else str(value)
