from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind, MailPreference


class MailPreferenceForm(forms.Form):
    digest = forms.BooleanField(label=_("Batch my mails into one digest"), required=False)
    digest_hours = forms.TypedChoiceField(label=_("Digest interval"), coerce=int,
                                          choices=MailPreference.Interval.choices)
    mail_kinds = forms.MultipleChoiceField(label=_("Send me mail about"), choices=Kind.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
