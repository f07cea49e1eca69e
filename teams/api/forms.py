"""The account page's form for a new API token."""
from django import forms
from django.utils.translation import gettext_lazy

from teams.text_input import UnicodeCharField

from .models import ApiToken

LIFETIMES = [(30, gettext_lazy("30 days")), (90, gettext_lazy("90 days")), (365, gettext_lazy("one year"))]


class TokenForm(forms.Form):
    name = UnicodeCharField(label=gettext_lazy("What is it for?"), max_length=60)
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices)
    days = forms.TypedChoiceField(label=gettext_lazy("Valid for"), choices=LIFETIMES, coerce=int, initial=90)
