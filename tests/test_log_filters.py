"""A refused request is logged in one line; an error keeps its traceback (workspace/log_filters.py), through the
console handler that settings.LOGGING configures."""
import io
import logging
import sys

from django.core.exceptions import PermissionDenied


def console_output(run):
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    stream, handler.stream = handler.stream, io.StringIO()
    try:
        run()
        return handler.stream.getvalue()
    finally:
        handler.stream = stream


def record(status):
    try:
        raise PermissionDenied("no")
    except PermissionDenied:
        info = sys.exc_info()
    entry = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x/",), info)
    entry.status_code = status
    return entry


def test_a_refusal_is_one_line_and_an_error_keeps_its_traceback():
    refused = console_output(lambda: logging.getLogger("django.request").handle(record(403)))
    failed = console_output(lambda: logging.getLogger("django.request").handle(record(500)))
    assert refused.strip() == "WARNING django.request: Forbidden: /x/"
    assert "Traceback" in failed



def test_a_foreign_host_and_a_too_large_body_are_one_warning_each(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answers = []
    logged = console_output(lambda: answers.extend([
        client.get("/login/", HTTP_HOST="evil.example"),
        client.post("/login/", {"username": "x" * 5000, "password": "y"}),
    ]))
    assert [answer.status_code for answer in answers] == [400, 400]
    assert "Traceback" not in logged and "ERROR" not in logged
    assert "WARNING django.security.DisallowedHost: Invalid HTTP_HOST header: 'evil.example'" in logged
    assert "WARNING django.security.RequestDataTooBig" in logged


def test_the_language_choice_outlives_the_browser_session(client):
    answer = client.post("/i18n/setlang/", {"language": "de", "next": "/login/"})
    cookie = answer.cookies["django_language"]
    assert cookie.value == "de"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
