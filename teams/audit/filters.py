"""The audit page's filters (django-filter): person (as actor or subject), team, kind, period (dates in the
cluster's time zone; ISO inputs: teams/widgets.py)."""
import django_filters
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from teams.models import Team
from teams.text_input import check_line
from teams.widgets import DateInput

from .kinds import KIND_CHOICES
from .models import AuditEntry


class AuditFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(label=_("Person (login name)"), method="by_person", max_length=150,
                                       validators=[check_line])
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.order_by("name"),
                                            to_field_name="slug", empty_label=_("Any team"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=KIND_CHOICES, empty_label=_("Any kind"))
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte", widget=DateInput)
    until = django_filters.DateFilter(label=_("Until"), field_name="at", lookup_expr="date__lte", widget=DateInput)

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def by_person(self, queryset, name, value):
        """Entries by the person or about them."""
        return queryset.filter(Q(actor__username=value) | Q(subject__username=value))

    def applied(self) -> dict:
        """The filters in use, as ids and values (for the export's own entry: a person by id, never by name)."""
        data = {key: value for key, value in self.form.cleaned_data.items() if value not in (None, "")}
        if "person" in data:
            data["person"] = User.objects.filter(username=data["person"]).values_list("pk", flat=True).first()
        return {key: (value.pk if isinstance(value, Team) else value if isinstance(value, int) or value is None
                      else str(value)) for key, value in data.items()}
