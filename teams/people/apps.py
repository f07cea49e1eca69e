from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "teams.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        # Django's place for wiring (models are loaded only now).
        from . import signals  # noqa: F401 (connects the receivers)
