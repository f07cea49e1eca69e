from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "teams.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # Django's place for wiring (models are loaded only now): a recorded event of a kind some endpoint
        # of its team wants queues that team's delivery job after commit.
        from teams import events

        from . import queueing

        events.on_recorded(queueing.enqueue_after_commit)
