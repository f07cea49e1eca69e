"""The inviter's form and the new person's form. Every rule is checked again by the services; the forms
turn the raw input into their arguments and say what is wrong next to the field."""
import re
from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from teams.forms import BoundedMultipleChoiceField, PlainTextField, people
from teams.models import Membership, Team
from teams.people.models import Location, Organisation, Sector
from teams.text_input import UnicodeCharField, check_line

from .services import MAX_MESSAGE, MAX_PER_REQUEST, SURROGATE_MESSAGE, check_addresses, holds_surrogate, too_many

SEPARATORS = re.compile(r"[\s,;]+")


class NameField(PlainTextField):
    """A person's or organisation's name: one line of plain text (teams.text_input.check_line), no HTML."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(check_line)


class PeopleField(BoundedMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class InvitationForm(forms.Form):
    people = PeopleField(label=_("People with an account"), queryset=people(), required=False,
                         widget=forms.SelectMultiple(attrs={"size": 6}),
                         help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
                         error_messages={"invalid_choice": _("Choose people from the list who are not yet members."),
                                         "invalid_pk_value": _("Choose people from the list who are not yet "
                                                               "members.")})
    addresses = forms.CharField(label=_("E-mail addresses"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
                                help_text=_("One or several, separated by commas or new lines. People without an "
                                            "account create one from the mail's link."))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.EXPERT)
    message = UnicodeCharField(label=_("Personal message"), required=False, max_length=MAX_MESSAGE, lines=True,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("Goes with the invitation mail."))

    def __init__(self, *args, team: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = people()
        if team is not None:
            queryset = queryset.exclude(memberships__team=team, memberships__state=Membership.State.ACTIVE)
        cast(PeopleField, self.fields["people"]).queryset = queryset

    def clean_addresses(self):
        text = self.cleaned_data["addresses"]
        if holds_surrogate(text):
            raise ValidationError(SURROGATE_MESSAGE, code="surrogate")
        parts = [part.strip("<>") for part in SEPARATORS.split(text) if part.strip("<>")]
        if len(parts) > MAX_PER_REQUEST:
            raise ValidationError(too_many(len(parts)), code="too_many")
        try:
            return check_addresses(parts)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["addresses"])

    def clean(self):
        data = super().clean()
        if "addresses" in data and "people" in data and not data["addresses"] and not data["people"]:
            raise ValidationError(_("Choose people from the list or give e-mail addresses."), code="required")
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"emails": data["addresses"], "people": list(data["people"]), "role": data["role"],
                "message": data["message"]}


def _choices(choices, empty):
    return [("", empty), *choices]


class NewPersonForm(forms.Form):
    first_name = NameField(label=_("First name"), max_length=150)
    last_name = NameField(label=_("Last name"), max_length=150)
    organisation = NameField(label=_("Organisation"), max_length=200,
                                    widget=forms.TextInput(attrs={"list": "organisations", "autocomplete": "off"}),
                                    help_text=_("Choose yours from the list as you type, or name a new one."))
    sector = forms.ChoiceField(label=_("Sector of a new organisation"), required=False,
                               choices=_choices(Sector.choices, "—"))
    location = forms.ChoiceField(label=_("Location of a new organisation"), required=False,
                                 choices=_choices(Location.choices, "—"))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    # The account's first acknowledgement of the privacy notice (teams/privacy), linked above the form.
    privacy_notice = forms.BooleanField(label=_("I have read the privacy notice"))

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password1"].help_text = password_validators_help_text_html()
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE)[:2]

    def clean(self):
        data = super().clean()
        name = " ".join(data.get("organisation", "").split())
        if name and not Organisation.objects.filter(name__iexact=name).exists():
            if not data.get("sector"):
                self.add_error("sector", _("Say what kind of organisation it is (it is new here)."))
            if not data.get("location"):
                self.add_error("location", _("Say where the organisation is (it is new here)."))
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = User(username=self.email, email=self.email, first_name=data.get("first_name", ""),
                        last_name=data.get("last_name", ""))
            try:
                validate_password(first, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"first_name": data["first_name"], "last_name": data["last_name"], "organisation": data["organisation"],
                "sector": data["sector"], "location": data["location"], "password": data["password1"],
                "language": data["language"]}
