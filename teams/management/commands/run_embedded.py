"""The embedded default in one process tree: daphne serves, a Celery worker (with beat)
runs the jobs on kombu's filesystem transport, so nothing else needs to be installed.

One signal stops it all: SIGTERM or SIGINT to this process (`kill`, Ctrl-C) is passed to daphne and the worker,
each given STOP_GRACE_SECONDS to stop before it is killed; without that, a `kill` of the parent left both serving.

Links in mails start with SITE_URL; unless it is set, it is where this serves (--host, --port), so the demo's
mail links work on any port."""
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

STOP_GRACE_SECONDS = 20  # daphne needs realtime.server.SHUTDOWN_GRACE_SECONDS (x2); Celery its running task


def site_url(host: str, port: str) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # listening everywhere: here, at least
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


class Command(BaseCommand):
    help = "Serve the workspace with daphne and run the Celery worker and beat beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="serve only; jobs wait in the queue")

    def handle(self, *args, host, port, no_worker, **options):
        os.environ.setdefault("SITE_URL", site_url(host, port))  # for the children: daphne's mails, the worker's
        if settings.STATIC_MANIFEST:  # the hashed, compressed files whitenoise serves (a second when nothing changed)
            call_command("collectstatic", interactive=False, verbosity=0)
        children: list[subprocess.Popen] = []
        previous = {number: signal.signal(number, _stop) for number in (signal.SIGTERM, signal.SIGINT)}
        try:
            if not no_worker:
                children.append(self.start_worker())
            self.stdout.write(f"Serving on http://{host}:{port}/, mail links to {os.environ['SITE_URL']}/ "
                              "(Ctrl-C stops)")
            daphne = subprocess.Popen([sys.executable, "-m", "realtime.server", "-b", host, "-p", str(port),
                                       "workspace.asgi:application"])  # daphne with its limits (realtime/server.py)
            children.insert(0, daphne)
            daphne.wait()
        except Stop:
            pass
        finally:
            for number in previous:  # stopping now: a second signal does not cut the children's stop short
                signal.signal(number, signal.SIG_IGN)
            stop_children(children)

    def start_worker(self) -> subprocess.Popen:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        if not settings.REDIS_URL:
            os.makedirs(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"], exist_ok=True)
        return subprocess.Popen([
            os.path.join(os.path.dirname(sys.executable), "celery"), "-A", "workspace", "worker", "-B", "-c", "1",
            "--loglevel", "WARNING", "-s", str(settings.VAR_DIR / "celerybeat-schedule"),
        ])


class Stop(Exception):
    """SIGTERM or SIGINT (Ctrl-C) reached this process: stop the children, then exit."""


def _stop(_number, _frame):
    raise Stop


def stop_children(processes: list[subprocess.Popen], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM to every child at once, then wait for each within `grace` seconds; what is left is killed."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:  # daphne can hang on SIGTERM mid-request
            process.kill()
            process.wait()
