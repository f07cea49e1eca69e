from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class DataExportConfig(AppConfig):
    name = "teams.dataexport"
    label = "dataexport"
    verbose_name = _("Personal data exports")

    def ready(self):
        from .models import DataExport
        from .signals import delete_the_file

        post_delete.connect(delete_the_file, sender=DataExport, dispatch_uid="dataexport.delete_the_file")
