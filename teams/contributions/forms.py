from django import forms
from django.utils.translation import gettext_lazy as _

from teams.text_input import UnicodeCharField

from .models import MAX_HOURS, TEXT_MAX


def _text(label, help_text):
    return UnicodeCharField(label=label, help_text=help_text, max_length=TEXT_MAX, required=False, lines=True,
                            widget=forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_MAX}))


class ContributionForm(forms.Form):
    hours_per_month = forms.IntegerField(
        label=_("Hours per month"), min_value=0, max_value=MAX_HOURS, initial=0, required=False,
        help_text=_("The time you can give the team in an average month (0 to 200)."),
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_HOURS, "step": 1}))
    facilities = _text(_("Facilities"), _("Labs, rooms, equipment, test beds the team may use."))
    data = _text(_("Data"), _("Data sets or access to data you can bring in."))
    funding = _text(_("Funding"), _("Budget, funding programmes or co-financing you can open up."))
    network = _text(_("Network"), _("Contacts, partners and networks you can introduce the team to."))

    def clean_hours_per_month(self):
        return self.cleaned_data["hours_per_month"] or 0  # left empty: none
