"""The results page's search and filters: validated here, applied by the engine inside its query."""
import datetime
from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from teams.models import FieldOfAction, StrategicGoal, Team
from teams.widgets import Choices, DateInput

from .query import GROUPS, KINDS_OF
from .sql import Filters

DAY_RANGE = [MinValueValidator(datetime.date(1900, 1, 1)), MaxValueValidator(datetime.date(9000, 12, 31))]


class PersonChoiceField(forms.ModelChoiceField):
    """People by their names (their login when they gave none)."""

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, strip=True)  # its length: parse.MAX_LENGTH
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Everything"))] + [(key, label) for key, label, _kinds in GROUPS],
                             widget=Choices)
    team: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(),
                                                          to_field_name="slug", required=False,
                                                          empty_label=_("Any team"), widget=Choices)
    author = PersonChoiceField(label=_("Author"), to_field_name="username", required=False,
                               empty_label=_("Anyone"), widget=Choices, queryset=get_user_model().objects.filter(
                                   is_active=True).order_by("last_name", "first_name", "username"))
    # Bounded: a day at the calendar's ends has no day after it (or no start in Berlin time) to compare with.
    after = forms.DateField(label=_("From"), required=False, widget=DateInput(), validators=DAY_RANGE)
    before = forms.DateField(label=_("Until"), required=False, widget=DateInput(), validators=DAY_RANGE)
    field = forms.ModelChoiceField(label=_("Field of action"), queryset=FieldOfAction.objects.all(),
                                   to_field_name="code", required=False, empty_label=_("Any field"), widget=Choices)
    goal = forms.ModelChoiceField(label=_("Strategic goal"), queryset=StrategicGoal.objects.all(),
                                  to_field_name="code", required=False, empty_label=_("Any goal"), widget=Choices)

    def __init__(self, data, *, teams: tuple[int, ...] | None):
        """`teams`: the ids of the teams the person may view (None: every team; sql.Audience.teams)."""
        super().__init__(data)
        team = cast(forms.ModelChoiceField, self.fields["team"])
        team.queryset = (Team.objects.all() if teams is None else Team.objects.filter(pk__in=teams)).order_by("name")

    def filters(self, **scope) -> Filters:
        """The valid filters (an invalid one is shown as an error and left out), and a channel or board scope."""
        self.is_valid()
        data = self.cleaned_data
        return Filters(kinds=KINDS_OF.get(data.get("kind") or "", []), team=data.get("team"),
                       author=data.get("author"), after=data.get("after"), before=data.get("before"),
                       field=data.get("field"), goal=data.get("goal"), **scope)
