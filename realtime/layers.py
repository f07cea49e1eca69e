"""The embedded (one process) channel layer, made O(1) per delivery.

channels' InMemoryChannelLayer runs `_clean_expired()` — a walk over every channel and every
group member — on every `receive` and `group_send`: O(N) per delivered message, O(N²) per
event at N sockets (a large share of a daphne's time at a few hundred clients: docs/benchmarks.md). It also
deep-copies the message once per channel and starts one task per channel in `group_send`.

This subclass scans for expired messages at most once per CLEAN_INTERVAL seconds, and
`group_send` copies the message once and puts that copy straight into every member's queue.
The copy is shared by the receivers: consumers must not mutate layer messages (ours do not).
Expiry is a safety net for abandoned channels (60 s); a delay of one interval changes nothing.
"""
import asyncio
import time
from copy import deepcopy
from time import monotonic

from channels.layers import InMemoryChannelLayer as BaseInMemoryChannelLayer

CLEAN_INTERVAL = 1.0


class InMemoryChannelLayer(BaseInMemoryChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cleaned_at = 0.0

    def _clean_expired(self):
        now = monotonic()
        if now - self._cleaned_at < CLEAN_INTERVAL:
            return
        self._cleaned_at = now
        super()._clean_expired()

    async def flush(self):
        await super().flush()
        self._cleaned_at = 0.0

    async def group_send(self, group, message):
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        members = self.groups.get(group)
        if not members:
            return
        message = deepcopy(message)  # once, not once per channel
        item = (time.time() + self.expiry, message)
        for channel in list(members):
            queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
            try:
                queue.put_nowait(item)
            except asyncio.QueueFull:
                pass  # as channels does: a full channel misses the message (clients resume from the log)
