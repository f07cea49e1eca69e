"""The layout's fixed parts (head, navigation, language buttons, footer) are rendered once per language and viewer
variant ({% once %}, teams/templatetags/layout.py): the same markup as rendered per request, nothing of one
viewer's request in another's page, and a changed role or language shows at once."""
import re

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.template import Context, RequestContext, Template, TemplateSyntaxError, engines
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from teams.permissions import ClusterRole
from workspace.security import LoginForm

pytestmark = pytest.mark.django_db

AUDIT_LINK = 'href="/audit/"'


def page(client, url="/masterplan/", language="en"):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def tokens_masked(html):
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1TOKEN", html)


@pytest.mark.parametrize("first", ["manager", "expert"])
def test_each_viewer_sees_their_own_navigation_whoever_came_first(people, first):
    second = "expert" if first == "manager" else "manager"
    pages = {who: page(signed_in(people[who])) for who in (first, second)}
    assert AUDIT_LINK in pages["manager"] and AUDIT_LINK not in pages["expert"]
    assert '>Manager Tester</a>' in pages["manager"] and '>Expert Tester</a>' in pages["expert"]
    assert "Expert Tester" not in pages["manager"] and "Manager Tester" not in pages["expert"]
    login = page(Client(), "/login/")  # signed out: no navigation at all
    assert 'aria-label="Main"' not in login and "header-search" not in login


def test_a_changed_cluster_role_changes_the_navigation_at_once(people):
    client = signed_in(people["expert"])
    assert AUDIT_LINK not in page(client)
    management = Group.objects.get(name=ClusterRole.CLUSTER_MANAGEMENT)
    people["expert"].groups.add(management)
    assert AUDIT_LINK in page(client)
    people["expert"].groups.remove(management)
    assert AUDIT_LINK not in page(client)


def test_the_navigation_speaks_the_language_of_each_request(people):
    client = signed_in(people["expert"])
    english, german, again = page(client), page(client, language="de"), page(client)
    assert ">My teams</a>" in english and ">My teams</a>" in again and ">Meine Thementeams</a>" not in english
    assert ">Meine Thementeams</a>" in german and ">My teams</a>" not in german
    assert 'aria-current="true" class="current" title="Deutsch"' in german
    assert 'aria-current="true" class="current" title="English"' in english


@pytest.mark.parametrize("who", ["manager", "expert", "anonymous"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_the_layout_is_the_markup_it_was_rendered_per_request(people, who, language):
    """base.html against itself without {% once %}: the same page for every viewer and language."""
    source = engines["django"].engine.get_template("base.html").source
    per_request = re.sub(r"{% (end)?once[^%]*%}", "", source)
    per_request = per_request.replace("{% if signed_in %}", "{% if user.is_authenticated %}")
    per_request = per_request.replace("{% if audit %}", "{% if can_read_audit %}")
    assert "once" not in per_request and per_request != source
    request = RequestFactory().get("/somewhere/?next=1")
    request.user = AnonymousUser() if who == "anonymous" else people[who]
    with translation.override(language):
        for _ in range(2):  # the second: from memory
            cached = tokens_masked(Template(source).render(RequestContext(request)))
            plain = tokens_masked(Template(per_request).render(RequestContext(request)))
            assert cached == plain
    assert ("/somewhere/?next=1" in cached) and (who == "anonymous" or AUDIT_LINK in cached) == (who != "expert")


def test_a_once_part_sees_nothing_of_the_request_but_its_keys(people):
    template = Template('{% load layout %}{% once "probe" n=n %}[{{ user }}|{% csrf_token %}|{{ request.path }}|'
                        '{{ n }}]{% endonce %}')
    request = RequestFactory().get("/private/path/")
    request.user = people["manager"]
    assert template.render(RequestContext(request, {"n": 1})) == "[|||1]"
    assert template.render(RequestContext(request, {"n": 2})) == "[|||2]"
    assert template.render(Context({"n": 1, "user": "someone"})) == "[|||1]"


def test_a_changed_setting_renders_the_parts_anew(people):
    client = signed_in(people["expert"])
    assert '<link rel="icon" href="/static/favicon.svg"' in page(client)
    with override_settings(STATIC_URL="/elsewhere/"):
        assert '<link rel="icon" href="/elsewhere/favicon.svg"' in page(client)
    assert '<link rel="icon" href="/static/favicon.svg"' in page(client)


def test_a_fragment_that_does_not_show_the_cluster_role_does_not_ask_for_it(people):
    request = RequestFactory().get("/")
    request.user = people["expert"]
    with CaptureQueriesContext(connection) as queries:
        assert Template("{{ 1 }}").render(RequestContext(request)) == "1"
        assert Template("{% if can_read_audit %}a{% else %}b{% endif %}").render(RequestContext(request)) == "b"
    assert len(queries) == 1  # the cluster roles, read once and only where used


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_login_form_is_remembered_empty_and_rendered_anew_with_what_was_sent(people, language):
    client = Client()
    first, second = page(client, "/login/", language), page(client, "/login/", language)
    with translation.override(language):
        empty = LoginForm(RequestFactory().get("/login/")).as_div()
    assert empty in first and empty in second
    failed = client.post("/login/", {"username": "someone-typed-this", "password": "wrong"},
                         HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'value="someone-typed-this"' in failed and 'class="errorlist nonfield"' in failed
    after = page(Client(), "/login/", language)
    assert "someone-typed-this" not in after and "errorlist" not in after and empty in after


def test_a_once_part_refuses_a_block_that_a_child_could_not_fill():
    with pytest.raises(TemplateSyntaxError, match="cannot hold"):
        Template('{% load layout %}{% once "probe" %}{% block title %}{% endblock %}{% endonce %}')
