"""daphne as this project runs it: `python -m realtime.server [daphne's options] workspace.asgi:application`.

Every place that starts daphne uses this (Procfile, run_embedded, the tests' live servers, bench) so
that none can forget what daphne would otherwise get wrong:

- Its own WebSocket limits (--websocket-max-message-size / --websocket-max-frame-size): a message or
  frame larger is refused before any of our code runs. They are twice the consumer's
  WS_MAX_FRAME_BYTES, so a frame a little too large still gets the consumer's clear `too_large`
  error and a huge one never reaches memory. Options given on the command line win.
- A proper close frame, code 1009, for such a message. autobahn (daphne's WebSocket layer) fails a
  connection by dropping TCP unless told otherwise (`failByDrop`), and daphne does not tell it: the
  client saw 1006, no reason. daphne sets its options on the factory when it runs, so they are
  completed right after that, before the reactor accepts the first connection (`ready_callable`).
- A clean stop (SIGTERM, as at every deploy): open sockets are closed with 4503 (server restart, so
  clients reconnect and resume at once) and every application gets `SHUTDOWN_GRACE_SECONDS` to finish
  its disconnect; what is left is cancelled once and waited for. daphne itself cancels every
  application at once and stops the loop when the first of them is done, so the others' clean-up
  (channels_redis unsubscribing, presence) was cut off mid-way with a traceback.
- Frames written at once (realtime/transport.py), not at twisted's next reactor turn; a team's event
  frames built once and written straight to its open sockets (`frame_writer`, realtime/fanout.py).
- A request body over REQUEST_MAX_BODY_BYTES refused before it is read (`BoundedRequest`): twisted reads a
  whole body, into a temporary file, before daphne hands it on, so the handler's limit (workspace/http.py) alone
  came after all of it was on disk. A request or header line over 16 KB gets 414 or 431, not a dropped
  connection (`refuse_long_line`).
- No secret in the access log: the path of a link that is a key (an invitation's token,
  workspace/redact.py: also a password reset's or an address change's) is logged with the key left out.
"""
import asyncio
import os
import sys

import django
from daphne.cli import CommandLineInterface
from daphne.http_protocol import WebRequest
from daphne.server import Server as DaphneServer
from daphne.ws_protocol import WebSocketProtocol
from django.conf import settings
from twisted.internet import defer, tcp

from workspace.http import too_large
from workspace.redact import redact

from .fanout import FRAME_WRITER
from .transport import WriteThroughServer

SHUTDOWN_GRACE_SECONDS = 3  # less than the 10 s a process manager (and the tests) wait before SIGKILL
SERVER_RESTART = 4503  # like 1012 (service restart), which autobahn will not send: reconnect and resume


def daphne_limit_args():
    limit = str(2 * settings.WS_MAX_FRAME_BYTES)
    return ["--websocket-max-message-size", limit, "--websocket-max-frame-size", limit]


class Server(DaphneServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ready = self.ready_callable

        def configure_then_ready():
            # A connection failed by us (too large, a protocol error) gets a close frame with its code.
            self.ws_factory.setProtocolOptions(failByDrop=False)
            build = self.http_factory.buildProtocol  # daphne's sets its WebRequest on each connection

            def build_bounded(address):
                channel = build(address)
                channel.requestFactory = BoundedRequest
                http_channel = channel._channel  # twisted's HTTPChannel inside its protocol switcher
                http_channel.lineLengthExceeded = lambda _line: refuse_long_line(http_channel)
                return channel

            self.http_factory.buildProtocol = build_bounded
            if ready:
                ready()

        self.ready_callable = configure_then_ready

    def create_application(self, protocol, scope):
        if isinstance(protocol, WebSocketProtocol):
            scope.setdefault("extensions", {})[FRAME_WRITER] = frame_writer(self, protocol)
        return super().create_application(protocol, scope)

    def log_action(self, protocol, action, details):
        if isinstance(details.get("path"), str):
            details = {**details, "path": redact(details["path"])}
        super().log_action(protocol, action, details)

    def kill_all_applications(self):
        return defer.Deferred.fromFuture(asyncio.ensure_future(self.stop_applications()))

    async def stop_applications(self):
        for protocol in list(self.connections):
            if isinstance(protocol, WebSocketProtocol) and protocol.state == protocol.STATE_OPEN:
                protocol.serverClose(code=SERVER_RESTART)
        running = [details["application_instance"] for details in self.connections.values()
                   if details.get("application_instance") and not details["application_instance"].done()]
        if not running:
            return
        _done, left = await asyncio.wait(running, timeout=SHUTDOWN_GRACE_SECONDS)
        for application in left:
            application.cancel()
        if left:
            await asyncio.wait(left, timeout=SHUTDOWN_GRACE_SECONDS)


class BoundedRequest(WebRequest):
    """Refuses a body over REQUEST_MAX_BODY_BYTES when its Content-Length says so or, chunked, when that much has
    come: the handler's 413, then the connection is closed (a client still sending may see it reset instead)."""
    refused = False

    def gotLength(self, length):
        super().gotLength(length)
        if length is not None and length > settings.REQUEST_MAX_BODY_BYTES:
            self.refuse()

    def handleContentChunk(self, data):
        if not self.refused and self.content.tell() + len(data) > settings.REQUEST_MAX_BODY_BYTES:
            self.refuse()
        if not self.refused:
            super().handleContentChunk(data)

    def requestReceived(self, command, path, version):
        if not self.refused:  # the body's end can come in the same read as the bytes past the limit
            super().requestReceived(command, path, version)

    def refuse(self):
        self.refused = True
        self.requestHeaders.removeHeader(b"expect")  # no "100 Continue" after the answer
        channel = self.channel
        path = channel._path.split(b"?", 1)[0].decode("latin1")
        headers = [(name.lower(), value) for name, values in self.requestHeaders.getAllRawHeaders() for value in values]
        response = too_large({"type": "http", "method": channel._command.decode("latin1"), "path": path,
                              "headers": headers, "query_string": b""})
        head = [f"HTTP/1.1 413 {response.reason_phrase}", *(f"{name}: {value}" for name, value in response.items()),
                f"Content-Length: {len(response.content)}", "Connection: close"]
        channel.transport.write(("\r\n".join(head) + "\r\n\r\n").encode("latin1") + response.content)
        channel.loseConnection()


def refuse_long_line(channel) -> None:
    """A request line or a header line over twisted's 16 KB: 414 or 431 and the connection closed (twisted
    only dropped it, no answer). Nothing of the request reached the application; nothing is logged."""
    first = channel._HTTPChannel__first_line  # still reading the request line (twisted's own flag)
    status = b"414 URI Too Long" if first else b"431 Request Header Fields Too Large"
    channel.transport.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    channel.loseConnection()


def frame_writer(server, protocol):
    """The team hub's direct writer (realtime/fanout.py): a frame built once, written as it is to an open
    socket; False — the frame goes the usual way, through daphne and autobahn — when the socket is not
    open or frames are compressed for it (per-message deflate, which daphne does not offer)."""

    def write(frame: bytes) -> bool:
        details = server.connections.get(protocol)
        if (details is None or details.get("disconnected") or protocol.state != protocol.STATE_OPEN
                or protocol._perMessageCompress is not None):
            return False
        protocol.transport.write(frame)
        return True

    return write


class Cli(CommandLineInterface):
    server_class = Server


def main(argv):
    tcp.Port.transport = WriteThroughServer  # every connection daphne accepts (the endpoints make tcp.Ports)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings")
    django.setup()  # the settings name the limits (DJANGO_SETTINGS_MODULE, as for daphne itself)
    Cli().run([*daphne_limit_args(), *argv])  # later options win: the command line's own


if __name__ == "__main__":
    main(sys.argv[1:])
