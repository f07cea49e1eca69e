"""A real Celery worker in this process (celery.contrib.testing.worker.start_worker, on kombu's in-memory broker)
and a real HTTP receiver on 127.0.0.1 for the webhook tests. Waiting is on conditions with deadlines."""
import contextlib
import http.server
import threading
import time

from celery.contrib.testing.app import TestApp, setup_default_app
from celery.contrib.testing.worker import start_worker
from django.conf import settings

import teams.webhooks.tasks  # noqa: F401  (registers the shared tasks with the test app)


def eventually(check, timeout=30, what="the condition"):
    """Poll `check()` until it is true (the worker and the receiver run in other threads); fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        time.sleep(0.05)


@contextlib.contextmanager
def celery_worker():
    """The project's Celery settings (acks_late …) on an in-memory broker, a worker thread consuming it."""
    config = {key[len("CELERY_"):].lower(): getattr(settings, key) for key in dir(settings)
              if key.startswith("CELERY_") and key not in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                                                           "CELERY_BROKER_TRANSPORT_OPTIONS", "CELERY_BEAT_SCHEDULE")}
    # The in-memory broker is polled: each second by default, a wait in every handover (and in the shutdown).
    app = TestApp(config={**config, "broker_transport_options": {"polling_interval": 0.05}})
    with setup_default_app(app):
        app.set_current()
        app.set_default()
        with start_worker(app, perform_ping_check=False, shutdown_timeout=20) as worker:
            yield app
            # Told over its control channel it stops at once; start_worker's flag alone is seen only after two
            # more 2 s polls of the in-memory broker (4 s a test).
            app.control.shutdown(destination=[worker.hostname])


class Receiver:
    """Records every POST (headers, body) and answers with the next scripted status (then 200)."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        self.script: list[int] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append((dict(self.headers), body))
                    status = receiver.script.pop(0) if receiver.script else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"taken" if status < 300 else b"receiver failed")

            def log_message(self, *args):  # quiet
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        # shutdown() waits for the loop's next poll: 0.5 s by default
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def count(self):
        with self.lock:
            return len(self.requests)
