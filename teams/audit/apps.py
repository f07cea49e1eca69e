from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "teams.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        # Django's place for wiring (models are loaded only now).
        from teams import events

        from . import receivers, team_events

        receivers.connect()  # sign-ins, cluster roles, the admin's actions
        events.on_recorded(team_events.audit_events)  # the security-relevant team events
