from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from teams.forms import BoundedChoiceField, BoundedMultipleChoiceField, GoalChoiceField, people
from teams.models import FieldOfAction, StrategicGoal
from teams.text_input import UnicodeCharField

from .keywords import MAX_KEYWORDS, MAX_LENGTH, MAX_TEXT, normalised_keywords, split_keywords
from .models import Location, Sector
from .services import MAX_NAME


class ProfessionalProfileForm(forms.Form):
    """A person's own organisation and expertise keywords (services.update_professional_profile saves them)."""

    organisation = UnicodeCharField(
        label=_("Organisation"), max_length=MAX_NAME, required=False,
        widget=forms.TextInput(attrs={"list": "organisations", "autocomplete": "organization"}),
        help_text=_("Choose yours from the list as you type, or name a new one."))
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("Not stated")), *Sector.choices])
    location = forms.ChoiceField(label=_("Location"), required=False,
                                 choices=[("", _("Not stated")), *Location.choices],
                                 help_text=_("Sector and location are kept with an organisation when it is first "
                                             "named here (or while they are not stated)."))
    keywords = forms.CharField(
        label=_("Expertise keywords"), required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keywords"].help_text = gettext(  # in the language of the request
            "Separated by commas, e.g. FHIR, Pflege, clinical trials: at most %(count)d, each at most %(length)d "
            "characters. They help others find you and suggest you for topic teams.") % {
            "count": MAX_KEYWORDS, "length": MAX_LENGTH}

    def clean_keywords(self) -> list[str]:
        return list(normalised_keywords(split_keywords(self.cleaned_data["keywords"])).values())


class LaunchSuggestionsForm(forms.Form):
    """What the launch form holds so far (teams.forms.LaunchTeamForm): suggestions follow it. Whatever does
    not validate is left out, not refused: the launch form itself says what is wrong when it is sent."""

    name = forms.CharField(required=False, max_length=120)
    purpose = forms.CharField(required=False, max_length=4000)
    goals = GoalChoiceField(queryset=StrategicGoal.objects.all(), required=False)
    fields_of_action = BoundedMultipleChoiceField(queryset=FieldOfAction.objects.all(), required=False)
    lead = BoundedChoiceField(queryset=people(), required=False)
    supporters = BoundedMultipleChoiceField(queryset=people(), required=False)
    experts = BoundedMultipleChoiceField(queryset=people(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead", "supporters", "experts"):
            self.fields[name].queryset = people()

    def values(self) -> dict:
        """The valid part of what was sent."""
        self.is_valid()
        data = self.cleaned_data
        return {"name": data.get("name", ""), "purpose": data.get("purpose", ""), "goals": data.get("goals") or [],
                "fields": data.get("fields_of_action") or [], "lead": data.get("lead"),
                "supporters": list(data.get("supporters") or []), "experts": list(data.get("experts") or [])}
