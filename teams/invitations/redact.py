"""Invitation links are keys: logs name their path without the token (daphne's access log: realtime/server.py;
every other record through the console handler: RedactLinks in settings.LOGGING). Imports nothing of Django's
models, so the logging configuration can load it."""
import logging
import re

SECRET_PATH = re.compile(r"(/invitations/)(?!\d+/)[A-Za-z0-9_%-]+")  # teams/invitations/urls.py: "open"


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"\1…", text)


class RedactLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True
