"""The audit log as CSV: UTF-8 with a byte-order mark (so Excel reads German text right), one line per entry,
times in the cluster's time zone. Streamed: the rows are read in chunks, never all at once."""
import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .kinds import describe
from .models import AuditEntry

CHUNK = 2000


class _Line:
    """csv.writer writes to this and gets the line back."""

    def write(self, value: str) -> str:
        return value


def _person(user) -> str:
    return user.username if user is not None else ""


def csv_lines(entries: QuerySet[AuditEntry], language: str | None) -> Iterator[str]:
    writer = csv.writer(_Line())
    with translation.override(language):  # the response is sent after the request's language is gone
        yield "\ufeff" + writer.writerow([_("When (%(zone)s)") % {"zone": timezone.get_default_timezone_name()},
                                          _("Who"), _("What"), _("Kind"), _("About whom"), _("Team"),
                                          pgettext("a team event", "Event"), _("Address")])
        for entry in entries.iterator(chunk_size=CHUNK):
            yield writer.writerow([
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"), _person(entry.actor), describe(entry),
                entry.kind, _person(entry.subject), entry.team.slug if entry.team else "",
                entry.seq if entry.seq is not None else "", entry.address or ""])
