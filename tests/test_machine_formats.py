"""Inputs the browser parses carry machine format in every language (issue 11.1).

`<input type="date">` accepts only YYYY-MM-DD; a German "29.11.2026" is shown empty and the next
save erases the date. Every form's date, datetime and number input, and every page's, is checked
here in German.
"""
import datetime
import importlib
import inspect
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from teams import widgets
from teams.board.cards import create_card, update_card
from teams.board.columns import update_column
from teams.board.forms import CardUpdateFrame
from teams.board.models import Card, Column
from teams.models import Team

pytestmark = pytest.mark.django_db

MACHINE = {"date": r"\d{4}-\d{2}-\d{2}", "datetime-local": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", "number": r"-?\d+(\.\d+)?"}
FORM_MODULES = ["teams.forms", "teams.board.forms", "teams.discussion.forms", "teams.review.forms",
                "teams.notify.forms"]


def project_forms():
    for module in FORM_MODULES:
        for _, cls in inspect.getmembers(importlib.import_module(module), inspect.isclass):
            if issubclass(cls, forms.Form) and cls.__module__.startswith("teams."):
                yield cls


SAMPLES = [(forms.DateTimeField, datetime.datetime(2026, 11, 29, 23, 15)),
           (forms.DateField, datetime.date(2026, 11, 29)), (forms.IntegerField, 12345), (forms.FloatField, 2.5),
           (forms.DecimalField, 2.5)]


def test_every_form_field_renders_date_time_and_number_inputs_in_machine_format_in_german():
    wrong = []
    with translation.override("de"):
        for cls in project_forms():
            for name, field in cls.base_fields.items():
                if isinstance(field, forms.ModelChoiceField):
                    continue  # a select or checkboxes
                value = next((sample for kind, sample in SAMPLES if isinstance(field, kind)), None)
                for _, kind, rendered in machine_inputs(field.widget.render(name, value)):
                    if value is None or not re.fullmatch(MACHINE[kind], rendered or ""):
                        wrong.append(f"{cls.__name__}.{name}: {rendered}")
    assert not wrong


@pytest.mark.parametrize("widget, value, expected", [
    (widgets.DateInput(), datetime.date(2026, 11, 29), "2026-11-29"),
    (widgets.DateTimeInput(), datetime.datetime(2026, 11, 29, 23, 15), "2026-11-29T23:15"),
    (widgets.NumberInput(), 1000, "1000"),
    (widgets.NumberInput(), 2.5, "2.5"),
])
def test_the_widgets_render_machine_format_in_german_with_thousand_separators(settings, widget, value, expected):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("de"):
        assert f'value="{expected}"' in widget.render("x", value)


class Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in MACHINE:
            self.found.append((attrs.get("name"), attrs["type"], attrs.get("value")))


def machine_inputs(html):
    parser = Inputs()
    parser.feed(html)
    return parser.found


def assert_machine_format(html, expected_names):
    inputs = machine_inputs(html)
    assert {name for name, _, _ in inputs} >= set(expected_names), inputs
    for name, kind, value in inputs:
        assert value is None or value == "" or re.fullmatch(MACHINE[kind], value), (name, kind, value)
    return {name: value for name, _, value in inputs}


def german(client, user, url):
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200 and response["Content-Language"] == "de"
    return response.content.decode()


def test_every_page_with_date_or_number_inputs_in_german(client, settings, people, team):
    settings.USE_THOUSAND_SEPARATOR = True  # the number inputs must not depend on it either
    end = team.end_date.isoformat()
    values = assert_machine_format(german(client, people["manager"], reverse("teams:extend", args=[team.slug])),
                                   ["end_date"])
    assert values["end_date"] == end
    values = assert_machine_format(german(client, people["manager"], reverse("teams:launch_new")),
                                   ["start_date", "end_date"])
    assert values["start_date"] == timezone.localdate().isoformat()

    proposed = Team.objects.create(name="Proposed", slug="proposed", purpose="x", status=Team.Status.PROPOSED,
                                   start_date=datetime.date(2027, 1, 4), end_date=datetime.date(2027, 12, 31))
    values = assert_machine_format(german(client, people["manager"], reverse("teams:launch", args=[proposed.slug])),
                                   ["start_date", "end_date"])
    assert values == {"start_date": "2027-01-04", "end_date": "2027-12-31"}

    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    update_column(people["lead"], column, name=column.name, wip_limit=12)
    card = Card.objects.get(pk=create_card(people["lead"], team, column=column, title="Due",
                                                 due_date=datetime.date(2026, 11, 29)).data["card"])
    values = assert_machine_format(german(client, people["lead"], reverse("board:card", args=[team.slug, card.pk])),
                                   ["due_date"])
    assert values["due_date"] == "2026-11-29"
    html = german(client, people["lead"], reverse("board:board", args=[team.slug]))
    assert_machine_format(html, ["wip_limit"])
    assert ("wip_limit", "number", "12") in machine_inputs(html)
    assert_machine_format(german(client, people["lead"], reverse("review:outputs", args=[team.slug])), ["date"])
    assert_machine_format(german(client, people["manager"], reverse("review:meetings")), ["scheduled_for"])


def test_a_card_edited_in_german_keeps_its_due_date(client, people, team):
    """The dialog's due date is rendered as the browser parses it, and each inline edit sends one field
    (card.update, docs/board.md), so a change of the priority never touches the date; a localised date is
    refused by the frame's schema rather than read as something else."""
    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    card = Card.objects.get(pk=create_card(people["lead"], team, column=column, title="Due",
                                           due_date=datetime.date(2026, 11, 29)).data["card"])
    html = german(client, people["lead"], reverse("board:card", args=[team.slug, card.pk]))
    rendered = {name: value for name, kind, value in machine_inputs(html)}
    assert re.fullmatch(MACHINE["date"], rendered["due_date"])
    assert CardUpdateFrame({"card": card.pk, "version": 1, "due_date": rendered["due_date"]}).is_valid()
    assert not CardUpdateFrame({"card": card.pk, "version": 1, "due_date": "29.11.2026"}).is_valid()
    with translation.override("de"):
        update_card(people["lead"], card, version=1, priority=Card.Priority.HIGH)
    card.refresh_from_db()
    assert card.priority == Card.Priority.HIGH and card.due_date == datetime.date(2026, 11, 29)


HAND_WRITTEN = re.compile(r'<input[^>]*type="(date|datetime-local|number)"[^>]*>')


def test_hand_written_date_and_number_inputs_in_templates_do_not_localise_their_value():
    """A value written with {{ }} is localised ("1.000", "29.11.2026"): |unlocalize or an ISO |date."""
    wrong, checked = [], []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        for tag in HAND_WRITTEN.finditer(path.read_text()):
            for value in re.findall(r"\{\{(.*?)\}\}", tag.group(0)):
                checked.append(value)
                if not re.search(r"\|unlocalize\s*$|\|date:['\"]Y-m-d['\"]\s*$", value):
                    wrong.append(f"{path.name}: {tag.group(0)}")
    assert checked and not wrong  # checked: the column's WIP limit at least
