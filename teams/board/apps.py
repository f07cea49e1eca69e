from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "teams.board"
    label = "board"
    verbose_name = _("Task boards")
