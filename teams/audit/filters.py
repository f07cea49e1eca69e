"""The audit page's filters (django-filter): person (as actor or subject), team, kind, period (dates in the
cluster's time zone; ISO inputs: teams/widgets.py)."""
import datetime

import django_filters
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone
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
    since = django_filters.DateFilter(label=_("From"), method="from_day", widget=DateInput)
    until = django_filters.DateFilter(label=_("Until"), method="until_day", widget=DateInput)

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def by_person(self, queryset, name, value):
        """Entries by the person or about them."""
        return queryset.filter(Q(actor__username=value) | Q(subject__username=value))

    # A day is midnight to midnight in the cluster's time zone, as a range of `at` (its index serves it). Days
    # beyond these bounds filter nothing away (no moment overflows the calendar).
    FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(9000, 12, 31)

    def _midnight(self, day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    def from_day(self, queryset, name, value):
        return queryset.filter(at__gte=self._midnight(value)) if value >= self.FIRST_DAY else queryset

    def until_day(self, queryset, name, value):
        return queryset.filter(at__lt=self._midnight(value + datetime.timedelta(days=1))) \
            if value <= self.LAST_DAY else queryset

    def applied(self) -> dict:
        """The filters in use, as ids and values (for the export's own entry: a person by id, never by name)."""
        data = {key: value for key, value in self.form.cleaned_data.items() if value not in (None, "")}
        if "person" in data:
            data["person"] = User.objects.filter(username=data["person"]).values_list("pk", flat=True).first()
        return {key: (value.pk if isinstance(value, Team) else value if isinstance(value, int) or value is None
                      else str(value)) for key, value in data.items()}
