import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import FieldOfAction, Membership, StrategicGoal
from .text_input import check_no_tags
from .widgets import DateInput


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: on the field it names where the form has it, else the form's."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class PlainTextField(forms.CharField):
    """Text shown to others: stripped, and no HTML (it would be escaped anyway; say so)."""

    def validate(self, value):
        super().validate(value)
        check_no_tags(value)


MAX_ID = 2**63 - 1  # a larger number in a lookup is an OverflowError on SQLite (a 500), not "unknown"


def query_ids(query, *keys: str) -> tuple[int | None, ...]:
    """The query string's `keys` as whole numbers from 0 to MAX_ID (missing or empty: None): a page's
    `before`/`after` id or seq. ValueError for anything else (a sign, a space, a number too large)."""
    values = tuple(query.get(key) or None for key in keys)
    if any(value is not None and not (re.fullmatch(r"[0-9]+", value) and int(value) <= MAX_ID) for value in values):
        raise ValueError
    return tuple(None if value is None else int(value) for value in values)


class BoundedIdsMixin:
    """Model choice fields that answer "unknown choice" for ids beyond the database's integer range."""

    def _bounded(self, value):
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            return
        if not -MAX_ID <= number <= MAX_ID:
            message = self.error_messages.get("invalid_pk_value") or self.error_messages["invalid_choice"]
            raise forms.ValidationError(message, code="invalid_choice", params={"pk": value, "value": value})

    def to_python(self, value):
        if not isinstance(value, (list, tuple)) and value not in self.empty_values:
            self._bounded(value)
        return super().to_python(value)

    def _check_values(self, value):
        for pk in value:
            self._bounded(pk)
        return super()._check_values(value)


class BoundedMultipleChoiceField(BoundedIdsMixin, forms.ModelMultipleChoiceField):
    pass


class GoalChoiceField(BoundedIdsMixin, forms.ModelMultipleChoiceField):
    def label_from_instance(self, goal):
        return f"{goal.code} – {goal.title}"


class TeamForm(forms.Form):
    name = PlainTextField(label=_("Name"), max_length=120)
    purpose = PlainTextField(label=_("Purpose"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    goals = GoalChoiceField(label=_("Strategic goals"), queryset=StrategicGoal.objects.all(),
                            widget=forms.CheckboxSelectMultiple,
                            error_messages={"invalid_choice": _("Unknown strategic goal."),
                                            "invalid_pk_value": _("Unknown strategic goal.")})
    fields_of_action = BoundedMultipleChoiceField(
        label=_("Fields of action"), queryset=FieldOfAction.objects.all(), widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown field of action."),
                        "invalid_pk_value": _("Unknown field of action.")})


class DatesMixin(forms.Form):
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput(),
                               help_text=_("Topic teams are time-limited."))

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The end date must not be before the start date."))
        return data


TEAM_FIELD_ORDER = ["name", "purpose", "goals", "fields_of_action", "start_date", "end_date", "lead", "supporters",
                    "experts"]


class ProposeTeamForm(TeamForm, DatesMixin):
    field_order = TEAM_FIELD_ORDER


def people():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")


class PersonChoiceField(BoundedIdsMixin, forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class LaunchTeamForm(TeamForm, DatesMixin):
    field_order = TEAM_FIELD_ORDER
    lead = PersonChoiceField(label=_("Lead"), queryset=people(), required=False,
                             empty_label=_("Name a lead later"))
    supporters = BoundedMultipleChoiceField(
        label=_("Supporting field-of-action managers"), required=False,
        queryset=people().filter(groups__name="field_manager"), widget=forms.CheckboxSelectMultiple)
    # Rendered as the suggested experts (templates/people/_experts_field.html), ticked ones made members at launch.
    experts = BoundedMultipleChoiceField(label=_("Experts to invite at launch"), required=False, queryset=people(),
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = people()
        self.fields["experts"].queryset = people()
        self.fields["supporters"].queryset = people().filter(groups__name="field_manager")
        self.fields["supporters"].label_from_instance = lambda u: u.get_full_name() or u.username


class LaunchProposedForm(DatesMixin):
    pass


class ExtendForm(forms.Form):
    end_date = forms.DateField(label=_("New end date"), widget=DateInput())


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class JoinRequestForm(forms.Form):
    message = PlainTextField(label=_("Why would you like to join?"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class BoundedChoiceField(BoundedIdsMixin, forms.ModelChoiceField):
    pass
