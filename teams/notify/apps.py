from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "teams.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        from . import signals  # noqa: F401  (connects the login receiver)
