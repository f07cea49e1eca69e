from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "teams.calendar"
    label = "calendar_feeds"
    verbose_name = _("Calendar feeds")
