from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataExportConfig(AppConfig):
    name = "teams.dataexport"
    label = "dataexport"
    verbose_name = _("Personal data exports")
