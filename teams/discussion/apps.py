from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "teams.discussion"
    label = "discussion"
    verbose_name = _("Discussion channels")

    def ready(self):
        # Django's place for wiring (models are loaded only now).
        from teams import events

        from . import access

        events.on_scoping(access.scope_events)  # a private channel's events are read by its members only
