from django.core.management.base import BaseCommand

from teams.demo import DEMO_PASSWORD, PEOPLE, load_demo


class Command(BaseCommand):
    help = "Load the demo cluster (people in every role, teams in every state). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="where the site will be served")

    def handle(self, *args, url, **options):
        _, teams = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo cluster ready ({len(teams)} new teams)."))
        self.stdout.write(f"Log in at {url} with password '{DEMO_PASSWORD}' as:")
        for username, first, last, _organisation, role, _fields in PEOPLE:
            self.stdout.write(f"  {username:<8} {first + ' ' + last:<18} {role.label if role else 'Expert'}")
