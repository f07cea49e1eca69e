"""Rate limits of inviting and of the invitation links: a small fixed-window counter per person or
address in Django's cache (Redis when scaled out: shared by every process), through the discussion's
counter (teams/discussion/rate_limit.py). django-axes guards the login only.

- creating or sending again: INVITATION_RATE invitations per inviter, INVITATION_IP_RATE per client
  address (each addressee counts one);
- the public link page (open, accept, decline, create an account): INVITATION_OPEN_RATE requests per
  client address.
Each setting is (count, seconds). A refusal is a RateLimited with a message the person can act on; the
views answer it with HTTP 429. A cache outage lets everything through (as the discussion's limit does).
"""
import logging
import math
import time

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from teams.discussion.rate_limit import add_to_counter

log = logging.getLogger(__name__)

DEFAULTS = {"INVITATION_RATE": (60, 3600), "INVITATION_IP_RATE": (120, 3600), "INVITATION_OPEN_RATE": (30, 600)}


class RateLimited(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _rate(setting: str) -> tuple[int, int]:
    count, window = getattr(settings, setting, DEFAULTS[setting])
    return int(count), max(1, int(window))


def _wait_minutes(window: int) -> int:
    now = time.time()
    return max(1, math.ceil(((now // window + 1) * window - now) / 60))


def _take(setting: str, key: str, amount: int) -> bool:
    """Count `amount` against the limit; False if that goes past it."""
    count, window = _rate(setting)
    try:
        used = add_to_counter(f"invitations:{setting}:{key}:{int(time.time() // window)}", amount, timeout=window * 2)
    except Exception:  # a cache outage must not stop the work
        log.warning("invitation rate limit unavailable", exc_info=True)
        return True
    return used <= count


def try_again(minutes: int) -> str:
    return ngettext("Please try again in %(wait)d minute.", "Please try again in %(wait)d minutes.", minutes) % {
        "wait": minutes}


def take_invitations(user_id: int, ip: str, amount: int) -> None:
    """Before inviting `amount` people (or sending one invitation again): raise RateLimited when the
    inviter or their address has sent too many lately."""
    if not _take("INVITATION_RATE", f"user:{user_id}", amount) or not _take("INVITATION_IP_RATE", f"ip:{ip}", amount):
        count, window = _rate("INVITATION_RATE")
        minutes = window // 60 or 1
        raise RateLimited(ngettext("You have sent many invitations in a short time (at most %(count)d in %(minutes)d "
                                   "minute).", "You have sent many invitations in a short time (at most %(count)d in "
                                   "%(minutes)d minutes).", minutes) % {"count": count, "minutes": minutes}
                          + " " + try_again(_wait_minutes(window)))


def take_link_use(ip: str) -> None:
    """Before answering a request to the public invitation page."""
    if not _take("INVITATION_OPEN_RATE", f"ip:{ip}", 1):
        _count, window = _rate("INVITATION_OPEN_RATE")
        raise RateLimited(_("Too many requests for invitation links from your address.") + " "
                          + try_again(_wait_minutes(window)))
