"""The privacy notice and the imprint (teams/privacy): public pages in German and English, edited by cluster
management only (tests/matrix.py: NOTICE_ALLOWED), and the acknowledgement of the privacy notice's current version
before any other page."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teams.audit.models import AuditEntry
from teams.privacy import notices
from teams.privacy.forms import NoticeForm
from teams.privacy.models import Acknowledgement, Notice
from tests.conftest import make_user
from tests.foundation_helpers import page_text
from tests.matrix import NOTICE_ALLOWED, NOTICE_RULES, VISITORS

pytestmark = pytest.mark.django_db

ACKNOWLEDGE = "/privacy/acknowledge/"


def edit_data(**overrides):
    data = {"text_de": "### Verantwortliche\n\nDas Clustermanagement.",
            "text_en": "### Controllers\n\nCluster management."}
    data.update(overrides)
    return data


@pytest.mark.parametrize("path, german, english", [
    ("/privacy/", ["Verantwortliche", "Art. 6 Abs. 1 lit. b", "Art. 15", "Aufsichtsbehörde", "Berlin Partner",
                   "WFBB Wirtschaftsförderung Land Brandenburg GmbH"],
     ["Controllers", "Art. 6(1)(b)", "Art. 15", "supervisory authority", "Berlin Partner"]),
    ("/imprint/", ["Angaben gemäß", "[vom Betreiber einzutragen"], ["Information according to", "[to be filled in"]),
])
def test_the_notices_are_public_in_both_languages(client, path, german, english):
    pages = {language: page_text(client.get(path, HTTP_ACCEPT_LANGUAGE=language)) for language in ("de", "en")}
    assert all(text in pages["de"] for text in german), pages["de"][:400]
    assert all(text in pages["en"] for text in english)
    assert '<h3>' in pages["en"] and "<script" not in pages["en"].split("<main>")[1].split("</main>")[0]


def test_every_page_and_the_login_page_link_the_notices(client, people):
    login = page_text(client.get("/login/"))
    assert login.count('href="/privacy/"') == 2 and 'href="/imprint/"' in login  # footer and the form's line
    client.force_login(people["expert"])
    page = page_text(client.get("/my/"))
    assert 'href="/privacy/"' in page and 'href="/imprint/"' in page


def refused(response):
    return response.status_code == 403 or (response.status_code == 302 and response["Location"].startswith("/login/"))


@pytest.mark.parametrize("role", VISITORS)
@pytest.mark.parametrize("rule", NOTICE_RULES)
def test_notice_rule(client, people, role, rule):
    if role != "anonymous":
        client.force_login(people[role])
    allowed = NOTICE_ALLOWED[role][NOTICE_RULES.index(rule)]
    before = list(Notice.objects.values_list("kind", "text_de", "text_en", "version"))
    if rule == "read_notices":
        responses = [client.get("/privacy/"), client.get("/imprint/")]
        assert all(response.status_code == 200 for response in responses) == allowed
        return
    for kind in ("privacy", "imprint"):
        shown, saved = client.get(f"/{kind}/edit/"), client.post(f"/{kind}/edit/", edit_data(ask_again="on"))
        if allowed:
            assert shown.status_code == 200 and saved.status_code == 302
        else:
            assert refused(shown) and refused(saved)
    if not allowed:
        assert list(Notice.objects.values_list("kind", "text_de", "text_en", "version")) == before
    if role != "anonymous":  # the service asks the same question
        try:
            notices.edit_notice(people[role], "privacy", **edit_data())
        except PermissionDenied:
            assert not allowed
        else:
            assert allowed


def test_cluster_management_edits_both_languages_and_a_wording_fix_keeps_the_version(client, people):
    client.force_login(people["manager"])
    assert client.post("/privacy/edit/", edit_data())["Location"] == "/privacy/"
    notice = Notice.objects.get(kind="privacy")
    assert (notice.version, notice.changed_by, notice.text_en) == (1, people["manager"], edit_data()["text_en"])
    assert "<h3>Verantwortliche</h3>" in page_text(client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="de"))
    entry = AuditEntry.objects.get(kind="notice.changed")
    assert (entry.actor, entry.detail) == (people["manager"], {"notice": "privacy", "version": 1, "ask_again": False})
    # The imprint has no acknowledgement: "again" changes no version there.
    client.post("/imprint/edit/", edit_data(ask_again="on"))
    assert Notice.objects.get(kind="imprint").version == 1


@pytest.mark.parametrize("data, message", [
    (edit_data(text_de="Verantwortliche \ufffd"), "could not be read"),
    (edit_data(text_en="x" * 50_001), "at most 50000 characters"),
    (edit_data(text_de="   "), "This field is required."),
    (edit_data(text_en="Plain\u202etext"), "Plain text only"),
])
def test_bad_text_is_refused_and_nothing_is_written(client, people, data, message):
    client.force_login(people["manager"])
    before = list(Notice.objects.values_list("text_de", "text_en", "version"))
    response = client.post("/privacy/edit/", data)
    assert response.status_code == 400 and message in page_text(response)
    assert list(Notice.objects.values_list("text_de", "text_en", "version")) == before
    assert not AuditEntry.objects.filter(kind="notice.changed").exists()


@pytest.mark.parametrize("text", ["Verantwortliche \ud800", ["Verantwortliche"], 7, None, "x\x00"])
def test_the_service_refuses_what_is_not_text(people, text):
    before = list(Notice.objects.values_list("text_de", "text_en", "version"))
    with pytest.raises(ValidationError):
        notices.edit_notice(people["manager"], "privacy", **edit_data(text_de=text))
    with pytest.raises(ValidationError):
        notices.edit_notice(people["manager"], "cookies", **edit_data())
    assert list(Notice.objects.values_list("text_de", "text_en", "version")) == before
    assert not NoticeForm(edit_data(text_en="Controllers \ud800")).is_valid()


def test_script_in_a_notice_is_not_run(client, people):
    client.force_login(people["manager"])
    client.post("/privacy/edit/", edit_data(text_en="Hello <script>alert(1)</script> [x](javascript:alert(1))"))
    page = page_text(client.get("/privacy/"))
    assert "<script>alert(1)" not in page and "javascript:" not in page


def test_the_first_login_shows_the_notice_before_any_page_and_records_the_acknowledgement_once(client):
    newcomer = make_user("newcomer", acknowledged=False)
    client.force_login(newcomer)
    response = client.get("/my/")
    assert (response.status_code, response["Location"]) == (302, f"{ACKNOWLEDGE}?next=%2Fmy%2F")
    assert client.get("/people/").status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "I have read the privacy notice" in page_text(page)
    done = client.post(response["Location"], {"version": 1, "next": "/my/"})
    assert done["Location"] == "/my/" and client.get("/my/").status_code == 200
    client.post(response["Location"], {"version": 1, "next": "/my/"})  # a second click, another tab
    acknowledgement, = Acknowledgement.objects.filter(user=newcomer)
    assert acknowledgement.version == 1
    entry, = AuditEntry.objects.filter(kind="notice.acknowledged")
    assert (entry.actor, entry.subject, entry.detail) == (newcomer, newcomer, {"notice": "privacy", "version": 1})
    client.logout()
    client.force_login(newcomer)  # the next login: nothing to acknowledge
    assert client.get("/my/").status_code == 200


def test_a_new_version_asks_everyone_again(client, people):
    client.force_login(people["expert"])
    assert client.get("/my/").status_code == 200
    notices.edit_notice(people["manager"], "privacy", **edit_data(), ask_again=True)
    response = client.get("/my/")  # the same session: asked again
    assert response["Location"] == f"{ACKNOWLEDGE}?next=%2Fmy%2F"
    stale = client.post(ACKNOWLEDGE, {"version": 1, "next": "/my/"})  # a page shown before the change
    assert stale["Location"] == f"{ACKNOWLEDGE}?next=%2Fmy%2F" and not Acknowledgement.objects.filter(
        user=people["expert"], version=2).exists()
    client.post(ACKNOWLEDGE, {"version": 2, "next": "/my/"})
    assert client.get("/my/").status_code == 200
    assert Acknowledgement.objects.filter(user=people["expert"]).count() == 2


def test_pages_that_must_work_without_it_are_not_blocked(client):
    client.force_login(make_user("newcomer", acknowledged=False))
    for path in ("/privacy/", "/imprint/", "/static/css/app.css", "/favicon.ico"):
        assert not client.get(path).get("Location", "").startswith(ACKNOWLEDGE), path
    assert client.post("/logout/")["Location"] == "/login/"


def test_a_fragment_request_sends_the_whole_window_to_the_notice(client):
    client.force_login(make_user("newcomer", acknowledged=False))
    response = client.get("/my/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == ACKNOWLEDGE
    shown_on = client.get("/my/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/teams/?q=x")
    assert shown_on["HX-Redirect"] == f"{ACKNOWLEDGE}?next=%2Fteams%2F%3Fq%3Dx"  # back to the page it showed


def test_the_way_back_stays_on_this_site(client):
    client.force_login(make_user("newcomer", acknowledged=False))
    for elsewhere in ("https://evil.example/", "//evil.example/", "0", "teams:my_teams", "javascript:alert(1)"):
        response = client.post(ACKNOWLEDGE, {"version": 1, "next": elsewhere})
        assert response["Location"] == "/", elsewhere


def test_bad_acknowledgements_are_refused(client):
    newcomer = make_user("newcomer", acknowledged=False)
    client.force_login(newcomer)
    for data in ({"version": "x"}, {"version": 99}, {"version": 2**40}, {}):
        response = client.post(ACKNOWLEDGE, data)
        assert response.status_code in (302, 400) and not response.get("Location", "").startswith("/my/")
    assert not Acknowledgement.objects.filter(user=newcomer).exists()
