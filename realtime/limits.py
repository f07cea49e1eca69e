"""What one socket may send, checked before anything runs.

A frame has a size limit (settings.WS_MAX_FRAME_BYTES) and must be a JSON object with a type
(`parse_frame`). Each connection has a rate limit (`RateLimit`: a token bucket of
settings.WS_RATE_PER_SECOND frames a second, bursts up to settings.WS_RATE_BURST); a refused
frame is answered "rate_limited", but more than settings.WS_FLOOD_CLOSE_AFTER refusals in a row
are a flood, and the socket is closed (CLOSE_FLOOD) instead: answering every frame of a flood
would cost everyone else the CPU. A socket may have MAX_IN_FLIGHT posts queued for writing
(group commit) before its next frame is read.
"""
import json
import time

from django.conf import settings
from django.utils.translation import gettext as _

from .protocol import ProtocolError

CLOSE_FLOOD = 4429  # settings.WS_FLOOD_CLOSE_AFTER frames refused in a row by the rate limit
MAX_IN_FLIGHT = 32  # posts one socket may have queued for writing before its next frame is read


class TokenBucket:
    """`rate` frames a second, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class RateLimit:
    """One connection's rate limit and flood count."""

    def __init__(self) -> None:
        self.bucket = TokenBucket(settings.WS_RATE_PER_SECOND, settings.WS_RATE_BURST)
        self.refused = 0  # frames refused in a row

    def admit(self) -> bool:
        """True: run the frame. False: a flood, close the socket. Otherwise raises ProtocolError."""
        if self.bucket.take():
            self.refused = 0
            return True
        self.refused += 1
        if self.refused > settings.WS_FLOOD_CLOSE_AFTER:
            return False
        raise ProtocolError("rate_limited", _("Too many requests: slow down a little."))


def over_frame_limit(raw: str | bytes) -> bool:
    """Is the frame larger than WS_MAX_FRAME_BYTES as sent (UTF-8)? 40,000 "é" are 80,000 bytes."""
    limit = settings.WS_MAX_FRAME_BYTES
    if len(raw) > limit:
        return True
    if isinstance(raw, bytes) or len(raw) * 4 <= limit:  # no text this short can exceed it
        return False
    return len(raw.encode("utf-8", "surrogatepass")) > limit


def parse_frame(text_data: str | None, bytes_data: bytes | None) -> dict:
    raw = text_data if text_data is not None else bytes_data
    if raw is None or over_frame_limit(raw):
        raise ProtocolError("too_large", _("The frame is too large."))
    try:
        frame = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError("bad_json", _("The frame is not valid JSON."))
    except RecursionError:  # thousands of nested brackets: the decoder gives up (deep ones: check_frame)
        raise ProtocolError("bad_frame", _("The frame is nested too deeply."))
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise ProtocolError("bad_frame", _("A frame is a JSON object with a type."))
    return frame
