from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from teams.text_input import UnicodeCharField

from .models import MessageChoice, UploadChoice


def shown_name(person: User) -> str:
    return person.get_full_name() or person.username


class EraseForm(forms.Form):
    """The two choices, and the person's name typed again: an erasure cannot be undone."""

    messages = forms.ChoiceField(label=_("Their messages and card comments"), choices=MessageChoice.choices,
                                 widget=forms.RadioSelect)
    uploads = forms.ChoiceField(label=_("Their uploaded files"), choices=UploadChoice.choices,
                                widget=forms.RadioSelect)
    confirm = UnicodeCharField(label=_("Type the person's name to confirm"), max_length=300,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, person: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm(self):
        typed = " ".join(self.cleaned_data["confirm"].split()).casefold()
        if typed != " ".join(shown_name(self.person).split()).casefold():
            raise forms.ValidationError(_("That is not the person's name as shown above."), code="mismatch")
        return typed
