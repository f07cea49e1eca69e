from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectConfig(AppConfig):
    name = "teams.direct"
    label = "direct"
    verbose_name = _("Direct messages")
