from django import forms
from django.utils.translation import gettext_lazy as _

from teams.text_input import UnicodeCharField

from . import kinds
from .addresses import MAX_URL_LENGTH


class EndpointForm(forms.Form):
    # Checked by the service (addresses.check_url): a form's URLField would allow what the service refuses.
    url = UnicodeCharField(label=_("Receiver's URL"), max_length=MAX_URL_LENGTH,
                           help_text=_("https:// only; the receiver must be reachable from the internet."),
                           widget=forms.URLInput(attrs={"placeholder": "https://example.org/hooks"}))
    kinds = forms.MultipleChoiceField(label=_("Events"), choices=kinds.choices, widget=forms.CheckboxSelectMultiple)
