import time

from django.core.management.base import BaseCommand

from teams.search.rebuild import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the teams, boards, discussions, reviews and people it describes."

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = rebuild(lambda kind, count: self.stdout.write(f"  {kind:<8} {count:>8}"))
        self.stdout.write(self.style.SUCCESS(
            f"Search index rebuilt: {sum(counts.values())} documents in {time.monotonic() - started:.1f} s."))
