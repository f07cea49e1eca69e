from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "teams.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        # Django's place for wiring (models are loaded only now).
        from django.db.backends.signals import connection_created

        from teams import events

        from . import indexing, signals, text  # noqa: F401 (signals connects the people's receivers)

        # The index follows every recorded team change inside its transaction (indexing.py), and SQLite's
        # FTS5 triggers call the Python analyser (text.py) on each connection.
        events.on_recorded(indexing.index_events)
        connection_created.connect(text.register_sqlite_function)
