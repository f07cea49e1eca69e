"""Markup written in Python for speed (docs/benchmarks.md, issue 18) is the markup the templates it replaces write:
Django's Select and CheckboxSelectMultiple (teams.widgets), the team page's member rows (teams/member_rows.py,
against teams/_member_row.html, which still renders the viewer's own row), with hostile names in both."""
import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from teams.member_rows import TEMPLATE, member_rows, rows_for, with_own_row
from teams.models import Membership
from teams.permissions import team_abilities
from teams.widgets import CheckboxList, Choices

HOSTILE = 'A <b>"bold"</b> & \'quoted\''


class Sample(forms.Form):
    single = forms.ChoiceField(choices=[("", "Any <one>"), ("x", HOSTILE), ("y", "Y")], widget=Choices)
    styled = forms.ChoiceField(choices=[("a", "A")], required=False,
                               widget=Choices(attrs={"class": "c&", "data-on": True}))
    many = forms.MultipleChoiceField(choices=[("x", HOSTILE), ("y", "Y"), ("z", "Z")], widget=CheckboxList)


def django_markup(bound):
    """The same bound field rendered by the Django widget the fast one stands in for."""
    widget = bound.field.widget
    fast = type(widget)
    widget.__class__ = forms.Select if isinstance(widget, Choices) else forms.CheckboxSelectMultiple
    try:
        return str(bound)
    finally:
        widget.__class__ = fast


@pytest.mark.parametrize("data", [None, {"single": "x", "many": ["y", "z"]}, {"single": "nope", "many": ["nope"]}])
def test_widgets_write_what_djangos_templates_write(data):
    form = Sample(data) if data else Sample(initial={"single": "y", "many": ["x"]})
    if data:
        form.is_valid()  # errors add aria-invalid
    for name in ("single", "styled", "many"):
        assert str(form[name]) == django_markup(form[name]), name
    assert "&lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp;" in str(form["many"]) and "<b>" not in str(form["many"])


def squeezed(html):
    """Whitespace between tags and runs of it do not matter; the CSRF token differs per rendering."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["lead", "manager", "expert", "outsider"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_member_rows_are_the_rows_the_template_writes(people, team, viewer, language):
    expert = people["expert"]
    expert.first_name, expert.last_name = HOSTILE, "<script>"
    expert.save()
    request = RequestFactory().get(f"/teams/{team.slug}/")
    request.user = people[viewer]
    can = team_abilities(request.user, team)
    members = list(team.memberships.filter(state=Membership.State.ACTIVE)
                   .select_related("user", "user__profile__organisation"))
    with translation.override(language):
        for membership in members:
            mine = membership if membership.user_id == request.user.pk else None
            fast = with_own_row(request, team, can, mine, rows_for(team, [membership], can))
            template = render_to_string(TEMPLATE, {"team": team, "can": can, "user": request.user, "m": membership},
                                        request=request)
            assert squeezed(fast) == squeezed(template), membership.user.username
    mine = next((m for m in members if m.user_id == request.user.pk), None)
    assert "<script>" not in member_rows(request, team, can, mine, lambda: members)[0]
