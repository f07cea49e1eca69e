"""Full-text search on PostgreSQL at the size of issue 14 (`make bench ARGS=search`; also part of `make bench`).

A database of its own (bench_search) gets 200 teams, 100,000 messages (every tenth a thread reply) and 20,000
cards (labels, checklists, a comment on every other card) over 1,000 people, inserted in bulk (seconds, not the
write path: that is what the tests measure). Texts are drawn from a German and English vocabulary of the
cluster's topics with a Zipf-like frequency, as real chat is. Then:

- the index is built (`teams.search.rebuild`, what `manage.py rebuild_search_index` runs): its time;
- a member of 5 teams searches 300 two-word queries (the words drawn from the vocabulary, so common words come
  up as often as they would): p50/p95/max of `teams.search.query.query` (the whole interface: the person's
  teams, the counts, the page, the snippets), and the statements each sends (the same for every query);
- the same for the header's suggestions while typing (`suggest`, the last word a prefix), and, for comparison,
  a cluster manager (reads every team: 40 times the documents) and the worst case of the two most common words.

Prints the tables; results also in var/bench/search.json. `python bench/search.py --reuse` measures again on the
world of the last run (no seeding, no index build). `--inside` is the part that runs in the database's
environment (started by `run()`).
"""
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TEAMS, MESSAGES, CARDS, PEOPLE, MEMBER_OF = 200, 100_000, 20_000, 1_000, 5
QUERIES = 300
PG_DB = "bench_search"

WORDS = """Pflegekräfte Krankenhaus Krankenhäuser Klinikum Versorgung Digitalisierung Telemedizin Datenschutz Patienten
Patientendaten Forschung Studie Studien Förderung Förderantrag Antrag Projekt Pilot Pilotprojekt Ärzte Ärztinnen Pflege
Pflegeheim Rehabilitation Prävention Gesundheitsdaten Schnittstelle Interoperabilität Standard Profil Profile Register
Biobank Medizintechnik Medizinprodukte Zulassung Wirkstoff Arzneimittel Impfstoff Diagnostik Labor Genomik Therapie
Onkologie Kardiologie Notaufnahme Rettungsdienst Hausärzte Apotheke Krankenkasse Versicherung Abrechnung Vergütung
Fachkräfte Ausbildung Weiterbildung Hochschule Universität Startup Unternehmen Netzwerk Veranstaltung Workshop Konferenz
Positionspapier Konzept Strategie Ziele Maßnahme Zeitplan Budget Finanzierung Ausschreibung Vertrag Partner Brandenburg
Berlin Potsdam Cottbus Lausitz Uckermark Region ländlich Stadt Bezirk Senat Ministerium Verwaltung Gesetz Richtlinie
hospital hospitals nurses nursing care patients patient data privacy consent research trial trials funding grant
proposal pilot interoperability FHIR HL7 registry biobank device devices approval diagnostics laboratory genomics
therapy oncology cardiology emergency insurance billing reimbursement workforce training university startup company
network event workshop conference paper concept strategy goals timeline budget tender contract partner rural region
digital health telehealth telemedicine platform cloud security architecture server interface export import report
review meeting minutes agenda feedback draft deadline milestone risk quality evaluation survey interview stakeholder
""".split()
FILLER = """wir sollten bitte noch heute morgen nächste Woche klären prüfen abstimmen schicken vorbereiten besprechen
the we should please check share send prepare discuss next week today tomorrow about with for and""".split()


def _zipf(words, rng, k):
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(words))]
    return rng.choices(words, weights=weights, k=k)


def _text(rng, low, high):
    topic = _zipf(WORDS, rng, rng.randint(low, high))
    filler = rng.choices(FILLER, k=len(topic) // 2)
    mixed = topic + filler
    rng.shuffle(mixed)
    return " ".join(mixed)


def seed(rng):
    """The world, in bulk. Returns the member of 5 teams and a cluster manager."""
    import datetime

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from teams.board import ranks
    from teams.board.models import Card, ChecklistItem, Column, Comment, Label
    from teams.discussion.models import Channel, Message
    from teams.models import ClusterRole, FieldOfAction, Membership, Profile, StrategicGoal, Team
    from teams.people.models import Organisation

    org = Organisation.objects.create(name="Bench Klinikum Berlin")
    users = User.objects.bulk_create([User(username=f"person{n:04d}", first_name=f"Person{n}", last_name="Bench",
                                           password="!") for n in range(PEOPLE)])
    Profile.objects.bulk_create([Profile(user=user, organisation=org) for user in users])
    manager = users[0]
    manager.groups.add(Group.objects.get(name=ClusterRole.CLUSTER_MANAGEMENT))
    member = users[1]
    today = timezone.localdate()
    teams = Team.objects.bulk_create([
        Team(slug=f"bench-{n:03d}", name=f"Team {n} {' '.join(_zipf(WORDS, rng, 2))}", purpose=_text(rng, 12, 30),
             start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=300),
             status=Team.Status.ACTIVE) for n in range(TEAMS)])
    fields, goals = list(FieldOfAction.objects.all()), list(StrategicGoal.objects.all())
    Team.fields_of_action.through.objects.bulk_create(
        Team.fields_of_action.through(team=team, fieldofaction=fields[n % len(fields)]) for n, team in enumerate(teams))
    Team.goals.through.objects.bulk_create(
        Team.goals.through(team=team, strategicgoal=goals[n % len(goals)]) for n, team in enumerate(teams))
    memberships = [Membership(team=team, user=users[2 + (n * 10 + i) % (PEOPLE - 2)], role="expert")
                   for n, team in enumerate(teams) for i in range(10)]
    memberships += [Membership(team=teams[n * 37 % TEAMS], user=member, role="expert") for n in range(MEMBER_OF)]
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    channels = Channel.objects.bulk_create([Channel(team=team, name="general") for team in teams])
    columns = Column.objects.bulk_create([Column(team=team, name=name, rank=rank) for team in teams
                                          for name, rank in (("To do", "a"), ("Doing", "b"), ("Done", "c"))])
    labels = Label.objects.bulk_create([Label(team=team, name=name) for team in teams
                                        for name in ("rechtlich", "FHIR", "Pilot", "urgent")])
    start = timezone.now() - datetime.timedelta(days=200)
    per_team = MESSAGES // TEAMS
    for n, team in enumerate(teams):
        authors = [m.user_id for m in memberships if m.team_id == team.pk] or [manager.pk]
        roots = per_team - per_team // 10
        made = Message.objects.bulk_create([
            Message(team=team, channel=channels[n], author_id=authors[i % len(authors)], body=_text(rng, 6, 24),
                    created_at=start + datetime.timedelta(minutes=i * 7 + n)) for i in range(roots)])
        Message.objects.bulk_create([
            Message(team=team, channel=channels[n], author_id=authors[i % len(authors)], thread=made[i * 9 % len(made)],
                    body=_text(rng, 4, 16), created_at=start + datetime.timedelta(minutes=i * 11 + n))
            for i in range(per_team // 10)])
    per_team = CARDS // TEAMS
    keys = ranks.spread(per_team)
    for n, team in enumerate(teams):
        made = Card.objects.bulk_create([
            Card(team=team, column=columns[n * 3 + i % 3], rank=keys[i], title=_text(rng, 3, 7)[:200],
                 description=_text(rng, 10, 40), created_by=manager) for i in range(per_team)])
        Card.labels.through.objects.bulk_create(Card.labels.through(card=card, label=labels[n * 4 + i % 4])
                                                for i, card in enumerate(made))
        ChecklistItem.objects.bulk_create(ChecklistItem(card=card, text=_text(rng, 2, 6)[:200], position=0)
                                          for card in made)
        Comment.objects.bulk_create(Comment(card=card, author=manager, body=_text(rng, 5, 20)) for card in made[::2])
    return member, manager


def timed(fn, runs):
    times, counts = [], set()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for run in runs:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fn(run)
            times.append((time.perf_counter() - started) * 1000)
        counts.add(len(captured.captured_queries))
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1], "max": times[-1],
            "n": len(times), "statements": sorted(counts)}


def build(rng):
    from django.db import connection

    from teams.search.rebuild import rebuild

    started = time.monotonic()
    people = seed(rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the statistics autovacuum keeps on a running server
    seeded = time.monotonic() - started
    started = time.monotonic()
    phases = {}
    mark = [started]

    def report(kind, count):
        now = time.monotonic()
        phases[kind] = round(now - mark[0], 1)
        mark[0] = now
    rebuild(report)
    phases["GIN index, analyze, commit"] = round(time.monotonic() - mark[0], 1)
    return seeded, time.monotonic() - started, phases, people


def inside():
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection

    from teams.search.models import Document
    from teams.search.query import query, suggest
    from teams.search.text import is_stop

    rng = random.Random(14)
    if "--reuse" in sys.argv and Document.objects.exists():  # measuring again on the world already built
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        member, manager = User.objects.get(username="person0001"), User.objects.get(username="person0000")
        seeded = built = 0.0
        phases = {}
    else:
        seeded, built, phases, (member, manager) = build(rng)
    documents = Document.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('search_document'))")
        size = cursor.fetchone()[0]
    words = [word for word in WORDS if not is_stop(word.lower())]
    pairs = [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(QUERIES)]
    typing = [f"{a} {b[:max(3, len(b) // 2)]}" for a, b in (pair.split() for pair in pairs)]
    for warm in pairs[:20]:
        query(member, warm)
    rows = {
        "member of 5 teams: query": timed(lambda q: query(fresh(member), q), pairs),
        "member of 5 teams: suggest (typing)": timed(lambda q: suggest(fresh(member), q), typing),
        "cluster manager: query": timed(lambda q: query(fresh(manager), q), pairs[:100]),
        "member, the 2 most common words": timed(lambda q: query(fresh(member), q), [f"{words[0]} {words[1]}"] * 30),
        "manager, the 2 most common words": timed(lambda q: query(fresh(manager), q), [f"{words[0]} {words[1]}"] * 30),
    }
    hits = statistics.mean(query(fresh(member), pair).total for pair in pairs[:50])
    print(json.dumps({"seeded_s": seeded, "index_s": built, "phases": phases, "documents": documents,
                      "index_size": size, "mean_hits_member": hits, "rows": rows}))


def fresh(user):
    """The person as a new request sees them: no permissions cached from the last search."""
    user.__dict__.pop("_permission_cache", None)
    return user


def table(title, header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = "  ".join("-" * w for w in widths)
    print(f"\n{title}\n{line}\n" + "  ".join(str(h).ljust(w) for h, w in zip(header, widths)) + f"\n{line}")
    for row in rows:
        print("  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    sys.stdout.flush()


def run(results=None, reuse=False):
    import stack

    if not stack.ensure_postgres():
        print("\nNOT RUN: search benchmark (PostgreSQL on 127.0.0.1:5432 is not available).")
        return None
    env = stack.base_env("scaled", "")
    env.pop("REDIS_URL", None)
    env["DATABASE_URL"] = f"{stack.PG_ADMIN_URL}/{PG_DB}"
    import psycopg

    if not reuse:
        with psycopg.connect(f"{stack.PG_ADMIN_URL}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0", "--noinput"], cwd=ROOT, env=env, check=True)
    out = subprocess.run([sys.executable, str(Path(__file__)), "--inside", *(["--reuse"] if reuse else [])], cwd=ROOT,
                         env=env, check=True, capture_output=True, text=True).stdout
    found = json.loads(out.strip().splitlines()[-1])
    print(f"\nSearch on PostgreSQL: {TEAMS} teams, {MESSAGES:,} messages, {CARDS:,} cards, {PEOPLE:,} people "
          f"(seeded in bulk in {found['seeded_s']:.0f} s): {found['documents']:,} documents, "
          f"index built in {found['index_s']:.1f} s ({found['index_size']}); "
          f"a member's two-word query finds {found['mean_hits_member']:.0f} documents on average.\n"
          f"Index build by kind (s): {', '.join(f'{k} {v}' for k, v in found['phases'].items())}")
    table("Search (PostgreSQL): milliseconds per search, whole interface (permissions, counts, page, snippets)",
          ["who, what", "searches", "p50 ms", "p95 ms", "max ms", "statements per search"],
          [[name, r["n"], f"{r['p50']:.1f}", f"{r['p95']:.1f}", f"{r['max']:.1f}",
            ",".join(map(str, r["statements"]))] for name, r in found["rows"].items()])
    (stack.VAR / "search.json").write_text(json.dumps(found, indent=1))
    if results is not None:
        results["search"] = found
    return found


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings")
    if "--inside" in sys.argv:
        inside()
    else:
        run(reuse="--reuse" in sys.argv)  # --reuse: measure again on the world of the last run
