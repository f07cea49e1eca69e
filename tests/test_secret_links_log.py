"""Links that are keys (an invitation's, a password reset's, an address change's) appear in no log
with their key: daphne's access log and the records of the console handler (workspace/redact.py)."""
import logging
import time
import urllib.parse
import urllib.request

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from teams.accounts.services import EMAIL_CHANGE_SALT
from tests.conftest import make_user
from workspace.redact import SECRET_LINK_PREFIXES, RedactLinks, redact

INVITATION = "wdOuIeZ0Yc551svZVa34ximkP8EkQxVck9GxDAouj5U"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url):
    try:
        return urllib.request.build_opener(NoRedirect).open(url, timeout=10).status
    except urllib.error.HTTPError as answer:
        return answer.code


def test_the_live_servers_access_log_names_no_key(daphne_server):
    person = make_user("ada")
    uid, reset = urlsafe_base64_encode(force_bytes(person.pk)), default_token_generator.make_token(person)
    email = signing.dumps(4711, salt=EMAIL_CHANGE_SALT)
    paths = [f"/password/reset/{uid}/{reset}/", f"/account/email/confirm/{email}/", f"/invitations/{INVITATION}/",
             "/login/?next=" + urllib.parse.quote(f"/invitations/{INVITATION}/", safe="")]
    for path in paths:
        get(daphne_server.url + path)
    log = daphne_server.log.name
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and open(log).read().count('"GET ') < len(paths):  # written per request
        time.sleep(0.05)
    text = open(log).read()
    assert '"GET /password/reset/…/…/' in text and '"GET /account/email/confirm/…/' in text
    assert '"GET /invitations/…/' in text
    for key in (reset, email, INVITATION, email.split(":")[-1]):
        assert key not in text


def test_the_console_filter_leaves_out_every_kind_of_key(settings):
    assert "redact_links" in settings.LOGGING["handlers"]["console"]["filters"]  # every record the servers log
    assert len(SECRET_LINK_PREFIXES) == 4
    for path, shown in [("/password/reset/MTM/diu7xw-3467df0a1b/", "/password/reset/…/…/"),
                        ("/password/reset/MTM/set-password/", "/password/reset/…/…/"),
                        ("/account/email/confirm/MQ:1xXrUv:qB57x_-Y/", "/account/email/confirm/…/"),
                        ("/login/?next=/account/email/confirm/MQ%3A1xX%3Aab/",
                         "/login/?next=/account/email/confirm/…/"),
                        ("/login/?next=%2Fpassword%2Freset%2FMTM%2Fab-c%2F",
                         "/login/?next=%2Fpassword%2Freset%2F…%2F…%2F"),
                        ("/account/data/eyJleHBvcnQiOjF9:1xXrUv:qB57x_-Y/", "/account/data/…/"),  # teams/dataexport
                        ("/login/?next=/account/data/eyJleHBvcnQiOjF9%3A1xX%3Aab/", "/login/?next=/account/data/…/")]:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s: %s", ("Not Found", path), None)
        assert RedactLinks().filter(record) and record.getMessage() == f"Not Found: {shown}"
    for path in ("/password/reset/", "/password/reset/sent/", "/password/reset/done/", "/account/email/",
                 "/account/data/", "/account/people/12/data/",
                 "/teams/data-spaces/invitations/12/resend/"):
        assert redact(path) == path
