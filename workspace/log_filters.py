"""A refused request (django.request's warning for a 4xx: 400, 403, 404; django.security's error for a foreign
Host header or a body over the upload limit, both answered 400) is logged as one warning line, without the
traceback Django attaches to it: a traceback in a server log means a defect (the tests fail on one), and a
refusal is none; any client could fill the log with them. Errors (5xx) keep theirs. Imports nothing of
Django's, so the logging configuration can load it."""
import logging


class RefusalsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name.startswith(("django.request", "django.security")) and isinstance(status, int) \
                and status < 500:
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
