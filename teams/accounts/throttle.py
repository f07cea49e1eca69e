"""Throttles of account requests that send mail (password reset, e-mail change), per client address and per
e-mail address, in fixed windows in the cache (Redis when scaled out: shared by every process).

A request over a limit gets a clear answer and sends nothing. The address limit counts the typed address
whether or not an account has it, so the answer never tells which addresses are known.
"""
import hashlib
import logging
import time

from django.conf import settings

from teams.discussion.rate_limit import add_to_counter

log = logging.getLogger(__name__)


def _key(kind: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]  # any text, a fixed key
    return f"accounts:{kind}:{digest}:{int(time.time() // window)}"


def wait_seconds(kind: str, value: str, *, limit: int, window: int) -> int:
    """Count one request of `kind` for `value`; 0 if it is within `limit` per `window` seconds, else the
    seconds until the window ends."""
    try:
        count = add_to_counter(_key(kind, value, window), 1, timeout=window * 2)
    except Exception:  # a cache outage must not lock everyone out of their account
        log.warning("account throttle unavailable", exc_info=True)
        return 0
    if count <= limit:
        return 0
    return max(1, int((time.time() // window + 1) * window - time.time()) + 1)


def minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def reset_request(client_ip: str, email: str) -> int:
    """A password reset request: limited per client address (settings.PASSWORD_RESET_RATE_IP) and per typed
    e-mail address (PASSWORD_RESET_RATE_EMAIL); the seconds to wait, 0 if it may go ahead."""
    limit, window = settings.PASSWORD_RESET_RATE_IP
    wait = wait_seconds("reset-ip", client_ip, limit=limit, window=window)
    if wait:
        return wait
    limit, window = settings.PASSWORD_RESET_RATE_EMAIL
    return wait_seconds("reset-email", email.strip().lower(), limit=limit, window=window)


def email_change_request(user_id: int) -> int:
    """An e-mail change request (a mail to an address the person names): limited per person."""
    limit, window = settings.EMAIL_CHANGE_RATE
    return wait_seconds("email-change", str(user_id), limit=limit, window=window)


def password_change_attempt(user_id: int) -> int:
    """An attempt to change the password on the account page (it checks the current one): limited per person, so a
    borrowed session cannot guess the password there (django-axes counts only logins)."""
    limit, window = settings.PASSWORD_CHANGE_RATE
    return wait_seconds("password-change", str(user_id), limit=limit, window=window)
