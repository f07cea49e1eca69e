"""The feed's rate limit: CALENDAR_FEED_RATE requests (count, seconds; default 60 an hour) per link and per
client address, counted in the cache (Redis when scaled out) by the discussion's counter. Calendar programs
poll every 15 minutes to a few hours; a cache outage lets requests through."""
import logging
import time

from django.conf import settings

from teams.discussion.rate_limit import add_to_counter

log = logging.getLogger(__name__)


def allowed(key: str) -> bool:
    count, window = getattr(settings, "CALENDAR_FEED_RATE", (60, 3600))
    window = max(1, int(window))
    try:
        used = add_to_counter(f"calendar:{key}:{int(time.time() // window)}", 1, timeout=window * 2)
    except Exception:
        log.warning("calendar feed rate limit unavailable", exc_info=True)
        return True
    return used <= int(count)
