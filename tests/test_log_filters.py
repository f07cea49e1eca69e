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

