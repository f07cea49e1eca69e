"""daphne's own WebSocket limits, for every place that starts daphne (Procfile, run_embedded, bench).

daphne (>= 4.2.2) drops a message or frame larger than these before any of our code runs
(close code 1009). They are twice the consumer's WS_MAX_FRAME_BYTES, so a frame a little too
large still gets the consumer's clear `too_large` error and a huge one never reaches memory.
"""
from django.conf import settings


def daphne_limit_args():
    limit = str(2 * settings.WS_MAX_FRAME_BYTES)
    return ["--websocket-max-message-size", limit, "--websocket-max-frame-size", limit]
