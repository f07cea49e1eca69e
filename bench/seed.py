"""Seed a benchmark world inside the stack's database and print what the load generators need.

Run by bench/stack.py as `python bench/seed.py '<json params>'` with the stack's environment
(DATABASE_URL / SQLITE_PATH), so the rows land where the daphne processes read them.

The team and its members go through the services (the one write path); bulk data whose
creation is not what is measured (500 cards, 5,000 messages, extra teams) is inserted in
bulk, the way the tests' helpers do it, so seeding stays a matter of seconds.
Sessions are made with Django's SessionStore: one cookie per simulated person.

Prints one JSON line: {"slug", "team", "channel", "cookie_name", "cookies": [...],
"manager_cookie", "paths": {...}}.
"""
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings")


def setup():
    import django

    django.setup()


def _users(prefix, count, role=None, fields=()):
    """`count` people (bulk), with profiles; returns them in order."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from teams.models import FieldOfAction, Profile
    from teams.people.models import Organisation
    from teams.privacy.models import Acknowledgement
    from teams.privacy.notices import privacy_version

    User = get_user_model()
    wanted = [f"{prefix}{n:04d}" for n in range(count)]
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    User.objects.bulk_create([
        User(username=name, first_name=prefix.capitalize(), last_name=name[len(prefix):], email=f"{name}@bench.example",
             password="!bench-unusable")
        for name in wanted if name not in existing])
    users = list(User.objects.filter(username__in=wanted).order_by("username"))
    organisation, _ = Organisation.objects.get_or_create(name="Bench org")
    Profile.objects.bulk_create([Profile(user=user, organisation=organisation) for user in users],
                                ignore_conflicts=True)
    # The privacy notice read: otherwise every page is a redirect to it (teams/privacy/acknowledgement.py).
    version = privacy_version()
    if version:
        Acknowledgement.objects.bulk_create([Acknowledgement(user=user, version=version) for user in users],
                                            ignore_conflicts=True)
    if role:
        group = Group.objects.get(name=role)
        group.user_set.add(*users)
    if fields:
        for profile in Profile.objects.filter(user__in=users):
            profile.fields_of_action.set(FieldOfAction.objects.filter(code__in=fields))
    return users


def manager():
    from teams.models import ClusterRole

    return _users("benchmanager", 1, ClusterRole.CLUSTER_MANAGEMENT)[0]


def launch(actor, name, lead, goals=("3a", "3b"), fields=("LST",)):
    from django.utils import timezone

    from teams import services
    from teams.models import FieldOfAction, StrategicGoal

    today = timezone.localdate()
    return services.launch_new_team(
        actor, name=name, purpose=f"Benchmark team {name}.", lead=lead,
        goals=list(StrategicGoal.objects.filter(code__in=goals)),
        fields_of_action=list(FieldOfAction.objects.filter(code__in=fields)),
        start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=300))


def add_members(actor, team, users):
    """Invite through the service (permissions and member.added events, as in real life)."""
    from teams import membership as membership_services
    from teams.models import Membership

    present = set(Membership.objects.filter(team=team).values_list("user_id", flat=True))
    for user in users:
        if user.pk not in present:
            membership_services.enrol_member(actor, team, user=user, role=Membership.Role.EXPERT)


def general_channel(team):
    from teams.discussion.models import Channel

    return Channel.objects.get(team=team, name="general")


def add_cards(team, count, actor):
    """`count` cards over the team's columns, with assignees, labels, goals, checklists, comments."""
    from teams.board import ranks
    from teams.board.models import Card, ChecklistItem, Column, Comment, Label
    from teams.models import Membership

    if count <= 0:
        return
    columns = list(Column.objects.filter(team=team, archived=False).order_by("rank"))
    members = [m.user_id for m in Membership.objects.filter(team=team).exclude(role="observer")[:50]]
    labels = [Label.objects.get_or_create(team=team, name=name)[0] for name in ("legal", "fhir", "pilot")]
    goals = list(team.goals.all())
    keys = ranks.spread(count)
    today = datetime.date.today()
    made = Card.objects.bulk_create(
        Card(team=team, column=columns[n % len(columns)], rank=keys[n], title=f"Task {n}: draft the FHIR profile",
             description=f"Details *in Markdown* for task {n}.", created_by=actor,
             due_date=today + datetime.timedelta(days=n % 40 - 10) if n % 3 == 0 else None)
        for n in range(count))
    Card.assignees.through.objects.bulk_create(
        Card.assignees.through(card=card, user_id=members[n % len(members)]) for n, card in enumerate(made))
    Card.labels.through.objects.bulk_create(
        Card.labels.through(card=card, label=labels[n % 3]) for n, card in enumerate(made))
    Card.goals.through.objects.bulk_create(
        Card.goals.through(card=card, strategicgoal=goals[n % len(goals)]) for n, card in enumerate(made))
    ChecklistItem.objects.bulk_create(ChecklistItem(card=card, text="step", done=n % 2 == 0)
                                      for n, card in enumerate(made))
    Comment.objects.bulk_create(Comment(card=card, author=actor, body="Looks good.") for card in made[::2])


def add_messages(team, channel, count, authors):
    """`count` messages (every tenth a thread reply) in bulk, with sanitised HTML as the service stores it."""
    from django.utils import timezone

    from teams.discussion.models import Message
    from teams.markup import render_markdown

    if count <= 0:
        return
    html = str(render_markdown("A **benchmark** message with a [link](https://example.org)."))
    start = timezone.now() - datetime.timedelta(minutes=count)
    roots = Message.objects.bulk_create(
        Message(team=team, channel=channel, author=authors[n % len(authors)], body="A **benchmark** message.",
                html=html, created_at=start + datetime.timedelta(minutes=n)) for n in range(count - count // 10))
    Message.objects.bulk_create(
        Message(team=team, channel=channel, author=authors[n % len(authors)], thread=roots[n * 7 % len(roots)],
                body="A reply.", html="<p>A reply.</p>", created_at=timezone.now()) for n in range(count // 10))


def other_teams(actor, count, lead):
    """`count` more running teams over both fields (for the directory, master plan, desk, review)."""
    from teams.models import StrategicGoal, Team

    codes = list(StrategicGoal.objects.values_list("code", flat=True))
    have = Team.objects.filter(name__startswith="Bench other ").count()
    for n in range(have, count):
        launch(actor, f"Bench other {n:04d}", lead, goals=(codes[n % len(codes)], codes[(n * 5 + 1) % len(codes)]),
               fields=("LST",) if n % 3 else ("IC", "LST"))


def review_notes(actor, team, count):
    from teams.review import meetings as review_meetings

    for n in range(count):
        review_meetings.add_review_note(actor, team, body=f"Review note {n}: good progress on the pilot.")


def cookie_for(user):
    """A logged-in session for `user`, as django.contrib.auth.login would make it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.module_loading import import_string

    from teams.privacy.acknowledgement import SESSION_KEY as ACKNOWLEDGED
    from teams.privacy.notices import privacy_version

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend a password login records (the first one that can load users: not the axes guard).
    session[BACKEND_SESSION_KEY] = next(path for path in settings.AUTHENTICATION_BACKENDS
                                        if hasattr(import_string(path), "get_user"))
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[ACKNOWLEDGED] = privacy_version()  # as a login after acknowledging leaves it: no query per page
    session.create()
    return session.session_key


def world(members=500, cards=500, messages=5000, teams=40, notes=5, name="Bench Team"):
    """The benchmark world: one big team (`name`) with `members` people and `teams` others."""
    from django.conf import settings

    from teams.board.models import Card
    from teams.discussion.rate_limit import rate_limit_suspended
    from teams.models import Team

    boss = manager()
    people = _users("bench", members)
    team = Team.objects.filter(name=name).first()
    if team is None:
        team = launch(boss, name, people[0])
        add_members(boss, team, people[1:])
        add_cards(team, cards, boss)
        channel = general_channel(team)
        with rate_limit_suspended():
            add_messages(team, channel, messages, people[:20])
        if notes:
            review_notes(boss, team, notes)
        other_teams(boss, teams, people[0])
        # The bulk rows above bypass the services, so the search index is built from them as after a restore:
        # the search page measures real hits ("FHIR profile" matches every card).
        from teams.search.rebuild import rebuild

        rebuild()
    channel = general_channel(team)
    team.refresh_from_db()
    card = Card.objects.filter(team=team, archived=False).order_by("pk").first()
    return {
        "lead": people[0].pk, "manager": boss.pk,
        "slug": team.slug, "team": team.pk, "channel": channel.pk, "last_seq": team.last_seq,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "cookies": [cookie_for(user) for user in people],
        "manager_cookie": cookie_for(boss),
        "paths": {
            "board": f"/teams/{team.slug}/board/",
            "channel": f"/teams/{team.slug}/channels/{channel.pk}/",
            "review": f"/teams/{team.slug}/review/",
            "directory": "/teams/",
            # The PAGE table (bench/pages.py): the bare view is bench/bench_urls.py's, the rest the product's.
            "bare": "/bench/bare/",
            "login": "/login/",
            "team": f"/teams/{team.slug}/",
            "desk": "/desk/",
            "my": "/my/",
            "masterplan": "/masterplan/",
            "card": f"/teams/{team.slug}/board/cards/{card.pk}/" if card else None,
            "search": "/search/?q=FHIR+profile",
            "people": "/people/",
            "mytasks": "/my/tasks/",
        },
    }


def main():
    setup()
    params = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    print(json.dumps(world(**params)))


if __name__ == "__main__":
    main()
