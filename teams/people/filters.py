"""The expert directory's filters. Whatever is about a person's teams (field of action, strategic goal) looks only
at the teams the viewer may view (permissions.visible_memberships): a filter must not reveal a membership the
page would not show. "Currently in no team" exists only for cluster management (permissions.can_filter_in_no_team).
"""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from teams.models import FieldOfAction, Membership, StrategicGoal, Team
from teams.widgets import Choices

from .keywords import MAX_LENGTH, key_of
from .models import Expertise, Location, Sector
from .permissions import can_filter_in_no_team, memberships_in, visible_teams

MAX_TERMS = 6  # words of a search


def _holders_of(keyword_lookup: Q):
    return Expertise.objects.filter(keyword_lookup).values("profile__user_id")


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200,
                                  help_text=_("Name, organisation or keyword"))
    keyword = django_filters.CharFilter(label=_("Keyword"), method="with_keyword", max_length=MAX_LENGTH * 3)
    sector = django_filters.ChoiceFilter(label=_("Sector"), field_name="profile__organisation__sector",
                                         choices=Sector.choices, empty_label=_("Any sector"), widget=Choices)
    location = django_filters.ChoiceFilter(label=_("Location"), field_name="profile__organisation__location",
                                           choices=Location.choices, empty_label=_("Any location"), widget=Choices)
    field = django_filters.ModelChoiceFilter(label=_("Field of action"), queryset=FieldOfAction.objects.all(),
                                             to_field_name="code", method="in_field", empty_label=_("Any field"),
                                             widget=Choices)
    goal = django_filters.ModelChoiceFilter(label=_("Strategic goal of their teams"),
                                            queryset=StrategicGoal.objects.all(), to_field_name="code",
                                            method="with_goal", empty_label=_("Any goal"), widget=Choices)
    no_team = django_filters.BooleanFilter(label=_("Currently in no team"), method="in_no_team",
                                           widget=forms.CheckboxInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = self.request.user
        self.teams = visible_teams(self.viewer)  # read once: the filters and the page's entries look at these
        if not can_filter_in_no_team(self.viewer):
            del self.filters["no_team"]  # neither shown nor applied

    def search(self, queryset, name, value):
        for term in value.split()[:MAX_TERMS]:
            queryset = queryset.filter(
                Q(first_name__icontains=term) | Q(last_name__icontains=term)
                | Q(profile__organisation__name__icontains=term)
                | Q(pk__in=_holders_of(Q(keyword__key__contains=key_of(term)))))
        return queryset

    def with_keyword(self, queryset, name, value):
        return queryset.filter(pk__in=_holders_of(Q(keyword__key=key_of(value))))

    def in_field(self, queryset, name, value):
        in_teams = memberships_in(self.teams).filter(team__fields_of_action=value).values("user_id")
        return queryset.filter(Q(profile__fields_of_action=value) | Q(pk__in=in_teams))

    def with_goal(self, queryset, name, value):
        return queryset.filter(pk__in=memberships_in(self.teams).filter(team__goals=value).values("user_id"))

    def in_no_team(self, queryset, name, value):
        if not value:
            return queryset
        current = Membership.objects.filter(state=Membership.State.ACTIVE, team__status__in=[
            Team.Status.PROPOSED, *Team.RUNNING]).values("user_id")
        return queryset.exclude(pk__in=current)
