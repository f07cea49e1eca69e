"""Some links are keys: an invitation's token, a password reset's, an address change's confirmation. Logs
name their path with the key left out: daphne's access log (realtime/server.py) and every other record
through the console handler (RedactLinks in settings.LOGGING). One list of such paths, SECRET_LINK_PREFIXES;
a new link that is a key gets its prefix here. Imports nothing of Django's, so the logging configuration
can load it."""
import logging
import re

# The path before the key (teams/invitations/urls.py "open", teams/accounts/urls.py "password_reset_confirm"
# and "confirm_email", teams/dataexport/urls.py "download"). The same prefixes also name pages that are no key:
# NOT_KEYS.
SECRET_LINK_PREFIXES = ("invitations/", "password/reset/", "account/email/confirm/", "account/data/")
NOT_KEYS = (r"\d+", "sent", "done")  # /teams/<slug>/invitations/12/resend/, /password/reset/sent/ and done/

_SEPARATOR = r"(?:/|%2[Ff])"  # a link in a query (?next=) may have its slashes encoded


def _pattern() -> re.Pattern[str]:
    prefixes = "|".join(_SEPARATOR.join(map(re.escape, prefix.rstrip("/").split("/")))
                        for prefix in SECRET_LINK_PREFIXES)
    not_keys = "|".join(NOT_KEYS)
    return re.compile(rf"({_SEPARATOR}(?:{prefixes}){_SEPARATOR})(?!(?:{not_keys}){_SEPARATOR})([^\s\"'?&#<>]+)")


SECRET_PATH = _pattern()
_SPLIT = re.compile(rf"({_SEPARATOR})")


def _hide(match: re.Match[str]) -> str:
    parts = _SPLIT.split(match.group(2))  # the key's segments, separators between them kept
    return match.group(1) + "".join(part if not part or _SPLIT.fullmatch(part) else "…" for part in parts)


def redact(text: str) -> str:
    return SECRET_PATH.sub(_hide, text)


class RedactLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True
