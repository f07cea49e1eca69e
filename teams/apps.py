from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Topic teams")

    def ready(self):
        # Django's place for wiring (models are loaded only now): saving a person renews cached fragments.
        from . import fragments

        fragments.connect()
