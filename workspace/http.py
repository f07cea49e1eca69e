"""Django's ASGI handler, with a request's work in one thread that is reused, as under WSGI.

Every page here is a sync view behind sync middleware. Django's ASGI handler starts two threads per request
(the request's own, and one to join it at the end) and builds the middleware chain in async mode, so a
request crossed between the event loop and its thread at every sync-only middleware and again for the view;
each start and crossing waits for the GIL. A bare view cost 5 ms of CPU on daphne against 1.3 ms in process
(docs/benchmarks.md). Here the chain is built in sync mode, so a request crosses once, and it runs on a
thread borrowed from a pool (asgiref's ThreadSensitiveContext with an executor) instead of a new one.

Two answers Django's handler gets wrong, given here: a HEAD gets the GET's status and headers without the body
(Django sends the body, and daphne drops only its first 64 KB chunk); a body longer than
settings.REQUEST_MAX_BODY_BYTES is refused with 413 before it is read (Django reads the whole body into a spooled
file first, and applies its own limits only after that), by its Content-Length or, if it has none (chunked), once
that much has come.
"""
import gc
import io
import logging
from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

IDLE_THREADS_KEPT = 16  # a burst's extra threads end with it
# What the first requests load stays for the process's life (templates compiled, translation catalogs, URL and
# SQL caches): frozen like the code at start (workspace/asgi.py), so that the collector's full passes skip it.
FREEZE_AFTER_REQUESTS = 200
logger = logging.getLogger("django.request")


class BodyTooLarge(Exception):
    pass


class PooledThreadASGIHandler(ASGIHandler):
    def __init__(self):
        super(ASGIHandler, self).__init__()  # BaseHandler's: the middleware is loaded here, in sync mode
        self.load_middleware(is_async=False)
        self._idle: list[ThreadPoolExecutor] = []  # touched only on the event loop: no lock
        self._served = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        thread = self._idle.pop() if self._idle else ThreadPoolExecutor(1, thread_name_prefix="request")
        try:
            # Django's handle() awaits every task it starts, so nothing outlives the context.
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            if len(self._idle) < IDLE_THREADS_KEPT:
                self._idle.append(thread)
            else:
                thread.shutdown(wait=False)
            self._served += 1
            if self._served == FREEZE_AFTER_REQUESTS:
                gc.freeze()

    async def handle(self, scope, receive, send):
        if scope["method"] == "HEAD":
            send = without_body(send)
        limit = settings.REQUEST_MAX_BODY_BYTES
        if declared_length(scope) > limit:
            await self.refuse_too_large(scope, send)
            return
        received = 0

        async def receive_within_limit():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge  # out of Django's read_body, before the request exists
            return message

        try:
            await super().handle(scope, receive_within_limit, send)
        except BodyTooLarge:
            await self.refuse_too_large(scope, send)

    async def refuse_too_large(self, scope, send):
        await self.send_response(too_large(scope), send)

    async def get_response_async(self, request):
        # BaseHandler's sync path (urlconf, middleware, view, logging of 4xx/5xx) in the request's thread,
        # where its database connection lives.
        return await sync_to_async(self.get_response)(request)


def too_large(scope) -> HttpResponse:
    """The refusal of a body over the limit, logged; also daphne's (realtime/server.py), before it reads one."""
    logger.warning("Payload Too Large: %s", scope["path"], extra={"status_code": 413})
    # In the language the person reads (cookie or Accept-Language): the request is built without its body.
    with translation.override(translation.get_language_from_request(ASGIRequest(scope, io.BytesIO()))):
        text = _("The request is too large.")
    return HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")


def declared_length(scope) -> int:
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else 0  # a malformed one is Django's to refuse
    return 0


def without_body(send):
    """The answer to a HEAD: every message but the body's."""
    async def send_headers_only(message):
        if message["type"] == "http.response.body":
            if message.get("more_body"):
                return
            message = {"type": "http.response.body"}
        await send(message)
    return send_headers_only


def get_asgi_application() -> PooledThreadASGIHandler:
    """django.core.asgi.get_asgi_application, with this handler."""
    django.setup(set_prefix=False)
    return PooledThreadASGIHandler()
