"""Inputs whose value the browser parses: always machine format, in every language.

`<input type="date">` accepts only YYYY-MM-DD, `datetime-local` only YYYY-MM-DDTHH:MM and `number`
only digits with a dot. Django's widgets render the *localised* value ("29.11.2026", "1.000"), which
the browser rejects and shows empty, so the next save erases it. Use these everywhere instead.
"""
from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


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


class CheckboxList(forms.CheckboxSelectMultiple):
    """Django's CheckboxSelectMultiple, written in Python: the same markup as its templates, which include three
    templates per option (the card dialog's 500 possible assignees took most of its time: docs/benchmarks.md).
    Grouped choices go to Django's templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group for group, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        box_id, css = widget["attrs"].get("id"), widget["attrs"].get("class")
        parts = [f'<div{f" id={_quoted(box_id)}" if box_id else ""}{f" class={_quoted(css)}" if css else ""}>']
        for _group, options, _index in widget["optgroups"]:
            parts.extend(f"<div>\n    {_option(option)}</div>" for option in options)
        parts.append("\n</div>")
        return mark_safe("".join(parts))  # noqa: S308 (every value is escaped)


def _quoted(value) -> str:
    return f'"{conditional_escape(str(value))}"'


def _option(option: dict) -> str:
    attrs = "".join(f" {conditional_escape(key)}" + ("" if value is True else f"={_quoted(value)}")
                    for key, value in option["attrs"].items() if value is not False)
    value = "" if option["value"] is None else f" value={_quoted(option['value'])}"
    # The line ends are those the three template files end with.
    tag = f'<input type="{option["type"]}" name="{conditional_escape(option["name"])}"{value}{attrs}>\n'
    if not option["wrap_label"]:
        return tag + "\n\n"
    label_for = f" for={_quoted(option['attrs']['id'])}" if option["attrs"].get("id") else ""
    return f"<label{label_for}>{tag} {conditional_escape(option['label'])}</label>\n\n"
