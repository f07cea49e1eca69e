from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"

    def ready(self):
        from .commands import board, discussion  # noqa: F401  (registers the commands)
