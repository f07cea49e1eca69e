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


class Choices(forms.Select):
    """Django's Select, written in Python: the same markup as its templates (an include per option; the filter
    forms of the directory and the people page spent a fifth of their time there). Grouped choices go to
    Django's templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group for group, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for _group, options, _index in widget["optgroups"]:
            parts.extend(f'\n  <option value={_quoted(option["value"])}{_attrs(option["attrs"])}>'
                         f'{conditional_escape(option["label"])}</option>\n' for option in options)
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value is escaped)


def _attrs(attrs: dict) -> str:
    """What django/forms/widgets/attrs.html writes."""
    return "".join(f" {conditional_escape(key)}" + ("" if value is True else f"={_quoted(value)}")
                   for key, value in attrs.items() if value is not False)


def _quoted(value) -> str:
    return f'"{conditional_escape(str(value))}"'


def _option(option: dict) -> str:
    value = "" if option["value"] is None else f" value={_quoted(option['value'])}"
    # The line ends are those the three template files end with.
    name = conditional_escape(option["name"])
    tag = f'<input type="{option["type"]}" name="{name}"{value}{_attrs(option["attrs"])}>\n'
    if not option["wrap_label"]:
        return tag + "\n\n"
    label_for = f" for={_quoted(option['attrs']['id'])}" if option["attrs"].get("id") else ""
    return f"<label{label_for}>{tag} {conditional_escape(option['label'])}</label>\n\n"
