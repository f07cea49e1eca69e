import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import FieldOfAction, FocalArea, StrategicGoal, Team
from .widgets import Choices


class TeamDirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    field = django_filters.ModelChoiceFilter(label=_("Field of action"), field_name="fields_of_action",
                                             queryset=FieldOfAction.objects.all(), to_field_name="code",
                                             empty_label=_("Any field"), widget=Choices)
    area = django_filters.ModelChoiceFilter(label=_("Focal area"), field_name="goals__focal_area",
                                            queryset=FocalArea.objects.all(), to_field_name="number",
                                            distinct=True, empty_label=_("Any focal area"), widget=Choices)
    goal = django_filters.ModelChoiceFilter(label=_("Strategic goal"), field_name="goals",
                                            queryset=StrategicGoal.objects.all(), to_field_name="code",
                                            empty_label=_("Any goal"), widget=Choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Team.Phase.choices, method="in_phase",
                                         empty_label=_("Any status"), widget=Choices)

    class Meta:
        model = Team
        fields: list[str] = []

    def in_phase(self, queryset, name, value):
        return queryset.in_phase(value)  # what the badge says: an ended team is not "Active"

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(purpose__icontains=value))
