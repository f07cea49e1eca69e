from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "teams.privacy"
    label = "privacy"
    verbose_name = _("Privacy and retention")

    def ready(self):
        # Django's place for wiring (models are loaded only now): the login receiver (acknowledgement.py).
        from . import acknowledgement  # noqa: F401
