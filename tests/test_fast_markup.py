"""Markup written in Python for speed (docs/benchmarks.md, issue 18) is the markup the templates it replaces write:
Django's Select and CheckboxSelectMultiple (teams.widgets), the team page's member rows (teams/member_rows.py,
against teams/_member_row.html, which still renders the viewer's own row), the channel's messages
(teams/discussion/message_rows.py, against discussion/_message.html), with hostile names in each."""
import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from teams import fragments
from teams.discussion import message_rows
from teams.discussion import selectors as discussion_selectors
from teams.discussion.channel_admin import set_archived
from teams.discussion.channel_views import channel_abilities
from teams.discussion.messages import delete_message, edit_message
from teams.discussion.posting import post_message
from teams.discussion.reactions import REACTIONS, add_reaction
from teams.discussion.reading import mark_read
from teams.member_rows import TEMPLATE, joined, member_rows, own_row, rows_for
from teams.models import Membership
from teams.permissions import team_abilities
from teams.widgets import CheckboxList, Choices
from tests.chatfile_helpers import image_bytes, post_files, upload
from tests.discussion_helpers import general

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


def hostile_expert(people):
    expert = people["expert"]
    expert.first_name, expert.last_name = HOSTILE, "<script>"
    expert.save()
    return expert


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["lead", "manager", "expert", "outsider"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_member_rows_are_the_rows_the_template_writes(people, team, viewer, language):
    hostile_expert(people)
    request = RequestFactory().get(f"/teams/{team.slug}/")
    request.user = people[viewer]
    can = team_abilities(request.user, team)
    members = list(team.memberships.filter(state=Membership.State.ACTIVE)
                   .select_related("user", "user__profile__organisation"))
    with translation.override(language):
        for membership in members:
            mine = membership if membership.user_id == request.user.pk else None
            own = own_row(team, can, request.user, mine) if mine else ""  # cached for the viewer, a token slot
            rows = [(user_id, row.encode()) for user_id, row in rows_for(team, [membership], can)]
            fast = fragments.filled(request, joined(rows, mine and mine.user_id, own.encode())).decode()
            template = render_to_string(TEMPLATE, {"team": team, "can": can, "user": request.user, "m": membership},
                                        request=request)
            assert squeezed(fast) == squeezed(template), membership.user.username
    assert all(b"<script>" not in row for _user, row in member_rows(team, can, lambda: members))


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["expert", "lead", "observer", "manager"])
@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("archived", [False, True])
def test_message_rows_are_the_rows_the_template_writes(people, team, viewer, language, archived, client, media):
    expert = hostile_expert(people)
    channel = general(team)
    first = post_message(expert, team, channel=channel, body=f"**{HOSTILE}** see https://example.org")
    post_message(people["lead"], team, channel=channel, body="A reply", thread=first)
    post_message(people["lead"], team, channel=channel, body="Another reply", thread=first)
    edited = post_message(people["lead"], team, channel=channel, body="Typo")
    edit_message(people["lead"], team, message=edited, body="Fixed")
    gone = post_message(expert, team, channel=channel, body="Oops")
    delete_message(expert, team, message=gone)
    for person, emoji in ((expert, "👍"), (people["lead"], "👍"), (people["lead"], "🎉")):
        add_reaction(person, team, message=first, emoji=emoji)
    client.force_login(expert)  # files as chat.js posts them: an image (a preview) and a file with a hostile name
    assert post_files(client, team, channel, upload(f"{HOSTILE}.png", image_bytes()),
                      upload(f"{HOSTILE}.txt", b"plain notes", "text/plain"), body="Files").status_code == 200
    assert post_files(client, team, channel, upload("only.png", image_bytes())).status_code == 200  # no text
    mark_read(people["lead"], team, channel=channel, message=edited.pk)
    if archived:
        set_archived(people["lead"], team, channel=channel, archived=True)
        channel.refresh_from_db()
        team.refresh_from_db()
    request = RequestFactory().get(f"/teams/{team.slug}/channels/{channel.pk}/")
    request.user = people[viewer]
    can = channel_abilities(request.user, team, channel)
    with translation.override(language):
        page = discussion_selectors.channel_page(request.user, team, channel)
        template = render_to_string("discussion/_messages.html", {**page, "team": team, "can": can,
                                                                  "user": request.user, "reactions": REACTIONS},
                                    request=request)
        fast = message_rows.rows_html(message_rows.channel_data(team, channel)["messages"], team=team,
                                      channel=channel, me=request.user.pk, can=can)
    assert fast.count('class="msg-files"') == 2 and fast.count("<img ") == 2
    assert ('class="link quote"' in fast) is (can["contribute"] and not archived)
    assert squeezed(fast) == squeezed(template)
    assert "<script>" not in fast and "<b>" not in fast.split('class="msg-body"')[0]
