"""The embedded default in one process tree: daphne serves, a Celery worker (with beat)
runs the jobs on kombu's filesystem transport, so nothing else needs to be installed."""
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the workspace with daphne and run the Celery worker and beat beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="serve only; jobs wait in the queue")

    def handle(self, *args, host, port, no_worker, **options):
        bin_dir = os.path.dirname(sys.executable)
        worker = None
        if not no_worker:
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            if not settings.REDIS_URL:
                os.makedirs(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"], exist_ok=True)
            worker = subprocess.Popen([
                os.path.join(bin_dir, "celery"), "-A", "workspace", "worker", "-B", "-c", "1",
                "--loglevel", "WARNING", "-s", str(settings.VAR_DIR / "celerybeat-schedule"),
            ])
        self.stdout.write(f"Serving on http://{host}:{port}/ (Ctrl-C stops)")
        daphne = subprocess.Popen([sys.executable, "-m", "realtime.server", "-b", host, "-p", str(port),
                                   "workspace.asgi:application"])  # daphne with its limits (realtime/server.py)
        try:
            daphne.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for process in (daphne, worker):
                if process and process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(timeout=20)
                    except subprocess.TimeoutExpired:  # daphne can hang on SIGTERM mid-request
                        process.kill()
