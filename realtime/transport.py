"""daphne's TCP transport, writing at once (realtime/server.py installs it).

twisted buffers every `write` and sends it at the reactor's next turn: it registers the socket for
writing (an epoll_ctl), wakes up, sends, and unregisters (another epoll_ctl), with its logging and
context wrappers around each step. For a frame fanned out to hundreds of sockets that bookkeeping
cost more than the send itself (docs/benchmarks.md, "The live path against its floors"). This
transport sends at once when nothing is queued, as asyncio's transports do, and leaves everything
else — a partial send, a full socket, a broken connection, a closing one, TLS — to twisted's path.
"""
from twisted.internet import tcp


class WriteThroughServer(tcp.Server):
    def write(self, data: bytes) -> None:
        if (type(data) is bytes and self.connected and not self.TLS and not self.disconnecting
                and not self._writeDisconnecting and not self._writeDisconnected
                and not self.dataBuffer and not self._tempDataBuffer):
            try:
                sent = self.socket.send(data)
            except OSError:  # full (EAGAIN) or broken: twisted's next write turn finds out which
                sent = 0
            if sent == len(data):
                return
            data = data[sent:]
        super().write(data)
