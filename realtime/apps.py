from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"

    def ready(self):
        from . import sessions  # noqa: F401  (connects the receivers that tell sockets of sign-in changes)
        from .commands import board, channels, discussion  # noqa: F401  (registers the commands)
