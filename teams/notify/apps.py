from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "teams.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        # Django's place for wiring (models are loaded only now); signals connects the login receiver.
        from teams import events

        from . import services, signals  # noqa: F401

        # Notifications derive from the teams' recorded events; which event tells whom: rules.py.
        events.on_recorded(services.notify_about)
