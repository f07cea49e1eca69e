"""A realistic demo cluster, built through the services like any real change."""
import datetime
from typing import TypedDict

from django.contrib.auth.models import Group, User
from django.utils import timezone

from teams.board.demo import populate_board
from teams.contributions.demo import populate_contributions
from teams.direct.demo import populate_direct_messages
from teams.discussion.demo import populate_channels

from . import membership as membership_services
from . import services
from .invitations import services as invitation_services
from .models import ClusterRole, FieldOfAction, Membership, Profile, StrategicGoal, Team
from .people.models import Location, Organisation, Sector
from .people.services import set_expertise
from .privacy.notices import acknowledge, has_acknowledged, privacy_version
from .search.indexing import people_indexed_once

DEMO_PASSWORD = "demo"

# name: sector, location
ORGANISATIONS = {
    "HealthCapital Cluster Management": (Sector.PUBLIC, Location.BERLIN),
    "University of Potsdam": (Sector.RESEARCH, Location.BRANDENBURG),
    "Digital Health Ventures": (Sector.COMPANY, Location.BERLIN),
    "University Hospital Berlin-Mitte": (Sector.CARE, Location.BERLIN),
    "BioPharm Brandenburg GmbH": (Sector.COMPANY, Location.BRANDENBURG),
    "CareData GmbH": (Sector.COMPANY, Location.BERLIN),
    "Gesundheitskasse Nordost": (Sector.INSURER, Location.BERLIN),
    "Klinikum Potsdam": (Sector.CARE, Location.BRANDENBURG),
    "Technical University Berlin": (Sector.RESEARCH, Location.BERLIN),
    "Institute for Biomedical Engineering": (Sector.RESEARCH, Location.BRANDENBURG),
    "Berlin Senate Department for Health": (Sector.PUBLIC, Location.BERLIN),
}

# username, first, last, organisation, cluster role, managed fields
PEOPLE = [
    ("anna", "Anna", "Schmidt", "HealthCapital Cluster Management", ClusterRole.CLUSTER_MANAGEMENT, []),
    ("jonas", "Jonas", "Weber", "HealthCapital Cluster Management", ClusterRole.CLUSTER_MANAGEMENT, []),
    ("lena", "Lena", "Hoffmann", "HealthCapital Cluster Management", ClusterRole.FIELD_MANAGER, ["LST"]),
    ("murat", "Murat", "Yılmaz", "HealthCapital Cluster Management", ClusterRole.FIELD_MANAGER, ["IC"]),
    ("petra", "Petra", "Krüger", "University of Potsdam", ClusterRole.ADVISORY_BOARD, []),
    ("thomas", "Thomas", "Becker", "Berlin Senate Department for Health", ClusterRole.SPOKESPERSON, []),
    ("sofia", "Sofia", "Rossi", "Digital Health Ventures", ClusterRole.EXPERT_PANEL, []),
    ("david", "David", "Nowak", "University Hospital Berlin-Mitte", None, []),
    ("julia", "Julia", "Richter", "BioPharm Brandenburg GmbH", None, []),
    ("felix", "Felix", "Wagner", "CareData GmbH", None, []),
    ("mariam", "Mariam", "Haddad", "Gesundheitskasse Nordost", None, []),
    ("katrin", "Katrin", "Lange", "Klinikum Potsdam", None, []),
    ("ben", "Ben", "Fischer", "Technical University Berlin", None, []),
    ("nora", "Nora", "Schulz", "Institute for Biomedical Engineering", None, []),
]

# Expertise keywords as people write them (German and English mixed), given once: a person's own edits stay.
EXPERTISE = {
    "anna": ["Clustermanagement", "Förderprogramme", "Netzwerkarbeit"],
    "jonas": ["Internationalisierung", "Hauptstadtregion", "EU funding", "Standortmarketing"],
    "lena": ["Biotechnologie", "Medizintechnik", "Start-ups", "Technologietransfer"],
    "murat": ["Versorgungsforschung", "Telemedizin", "Pflege", "sektorenübergreifende Versorgung"],
    "petra": ["Präzisionsmedizin", "translational research", "Biobanking"],
    "thomas": ["Gesundheitspolitik", "Prävention", "Fachkräfte", "Krisenmanagement"],
    "sofia": ["digital health", "Venture Capital", "DiGA", "Start-ups"],
    "david": ["FHIR", "Interoperabilität", "klinische Studien", "digitale Lösungen", "Krankenhaus-IT"],
    "julia": ["clinical trials", "GMP", "nachhaltige Produktion", "Regulatory Affairs"],
    "felix": ["data integration", "FHIR", "Datenschutz", "machine learning"],
    "mariam": ["Versorgungsverträge", "Prävention", "Gesundheitstourismus", "health economics"],
    "katrin": ["Pflege", "Fachkräfte", "Telemedizin", "Rehabilitation"],
    "ben": ["Datenwissenschaft", "KI", "medical imaging", "Logistik"],
    "nora": ["Medizintechnik", "Interoperabilität", "Labordiagnostik", "Biosensorik"],
}

# name, purpose, goals, fields, start offset (days), duration (days), final status, lead, experts, supporter
TEAMS = [
    ("Interoperable Patient Data", "Agree on FHIR profiles that Berlin and Brandenburg hospitals and insurers "
     "can exchange, and pilot them between two hospitals.", ["3b", "3c"], ["IC", "LST"], -120, 300, "active",
     "david", ["felix", "mariam", "ben"], ["murat", "lena"]),
    ("Telemedicine in Rural Brandenburg", "Bring tele-consultations and tele-nursing to the rural districts, "
     "with the hospitals of Potsdam and Cottbus as hubs.", ["4a", "4c", "2b"], ["IC"], -330, 350, "active",
     "katrin", ["mariam", "david"], ["murat"]),
    ("Clinical Trials Network", "A shared feasibility and recruitment service for clinical trials across the "
     "capital region.", ["1b", "2c"], ["LST"], -400, 365, "extended", "julia", ["david", "nora"], ["lena"]),
    ("Start-up Meets Hospital", "Match digital-health start-ups with hospital departments for pilot projects "
     "and regulatory coaching.", ["6a", "6c", "3d"], ["LST"], -60, 240, "active", "felix", ["ben", "julia"],
     ["lena"]),
    ("Nursing Workforce of Tomorrow", "Attract and keep nursing staff: new shift models, digital assistance, "
     "training paths.", ["5a", "5b", "5c"], ["IC"], 14, 365, "proposed", "katrin", [], []),
    ("Pandemic Preparedness Network", "Lessons from the pandemic: a standing network of labs, hospitals and "
     "public health offices for the next crisis.", ["2e", "3a"], ["IC", "LST"], -700, 540, "concluded", "nora",
     ["david", "mariam"], ["murat", "lena"]),
    ("Healthcare Tourism Berlin-Brandenburg", "Position the region's rehabilitation and prevention offers for "
     "international patients.", ["4d", "7a"], ["IC"], -200, 190, "active", "mariam", ["katrin"], ["murat"]),
    ("Sustainable Biotech Production", "Green chemistry and energy-efficient production for the region's "
     "biotech manufacturers.", ["1c"], ["LST"], -900, 365, "archived", "julia", ["nora"], ["lena"]),
]


# Pending invitations the team pages show (team: inviter, addresses, people picked from the list, role, message).
# Their mails go out with the worker (var/mail/ when embedded): open the link there to see the new person's page.
INVITATIONS = {
    "Interoperable Patient Data": ("david", ["clara.neumann@charite.demo.example"], [], Membership.Role.EXPERT,
                                   "Ihre Erfahrung mit FHIR-Profilen in der Notaufnahme würde uns sehr helfen."),
    "Start-up Meets Hospital": ("felix", ["j.okafor@medtech-startup.demo.example"], ["katrin"],
                                Membership.Role.EXPERT, "We would love a hospital and a start-up voice on board."),
}


# Who has not signed in yet: their first login shows the privacy notice to acknowledge (teams/privacy).
FIRST_LOGIN = {"nora"}


def create_people() -> dict[str, User]:
    with people_indexed_once():  # each person's saves (login, profile, keywords) indexed once, all together
        return _create_people()


def _create_people() -> dict[str, User]:
    people = {}
    for username, first, last, organisation, role, fields in PEOPLE:
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@demo.healthcapital.example"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        sector, location = ORGANISATIONS[organisation]
        employer, _ = Organisation.objects.get_or_create(name=organisation,
                                                         defaults={"sector": sector, "location": location})
        profile, _ = Profile.objects.get_or_create(user=user, defaults={"organisation": employer})
        if role:
            user.groups.add(Group.objects.get(name=role))
        if fields:
            profile.fields_of_action.set(FieldOfAction.objects.filter(code__in=fields))
        if not profile.expertise.exists():
            set_expertise(user, user, keywords=EXPERTISE.get(username, []))
        version = privacy_version()
        if version and username not in FIRST_LOGIN and not has_acknowledged(user, version):
            acknowledge(user, version)
        people[username] = user
    return people


class _TeamFields(TypedDict):
    """What proposing a team and launching one both take."""
    name: str
    purpose: str
    goals: list[StrategicGoal]
    fields_of_action: list[FieldOfAction]
    start_date: datetime.date
    end_date: datetime.date


def create_teams(people: dict[str, User]) -> list[Team]:
    manager = people["anna"]
    today = timezone.localdate()
    teams = []
    for (name, purpose, goals, fields, start, duration, status, lead, experts, supporters) in TEAMS:
        if Team.objects.filter(name=name).exists():
            continue
        start_date = today + datetime.timedelta(days=start)
        # Past teams are built while they ran; finish_lifecycles gives them their real end date.
        end_date = max(start_date + datetime.timedelta(days=duration), today + datetime.timedelta(days=1))
        data = _TeamFields(name=name, purpose=purpose, goals=list(StrategicGoal.objects.filter(code__in=goals)),
                           fields_of_action=list(FieldOfAction.objects.filter(code__in=fields)),
                           start_date=start_date, end_date=end_date)
        if status == "proposed":
            team = services.propose_team(people[lead], **data)
            membership_services.request_to_join(people["ben"], team, message="I can bring our training curriculum.")
            teams.append(team)
            continue
        team = services.launch_new_team(manager, lead=people[lead],
                                        supporters=[people[s] for s in supporters], **data)
        for expert in experts:
            membership_services.enrol_member(manager, team, user=people[expert], role=Membership.Role.EXPERT)
        membership_services.enrol_member(manager, team, user=people["sofia"], role=Membership.Role.OBSERVER)
        if status == "extended":
            services.extend_team(manager, team, end_date=today + datetime.timedelta(days=120))
        if name in INVITATIONS:
            inviter, addresses, picked, role, message = INVITATIONS[name]
            invitation_services.invite(people[inviter], team, emails=addresses, people=[people[p] for p in picked],
                                       role=role, message=message, language="de")
        teams.append(team)
    return teams


def populate_workspaces(teams: list[Team], people: dict[str, User]) -> None:
    """Boards and channels fill their part of the demo (see their demo modules)."""
    final_status = {spec[0]: spec[6] for spec in TEAMS}
    for team in teams:
        team.refresh_from_db()
        if team.is_running:
            populate_board(team, people, finished=final_status[team.name] in ("concluded", "archived"))
            populate_channels(team, people)
            populate_contributions(team, people)


def finish_lifecycles(teams: list[Team], people: dict[str, User]) -> None:
    """Conclude and archive after the work is in, as it happened in real life."""
    manager = people["anna"]
    today = timezone.localdate()
    specs = {spec[0]: spec for spec in TEAMS}
    for team in teams:
        _name, _purpose, _goals, _fields, start, duration, target, *_people = specs[team.name]
        real_end = today + datetime.timedelta(days=start + duration)
        # demo history only: the services refuse to move an end date backwards
        if real_end < today and target != "extended":
            Team.objects.filter(pk=team.pk).update(end_date=real_end)
            team.refresh_from_db()
        if target in ("concluded", "archived"):
            services.conclude_team(manager, team)
        if target == "archived":
            services.archive_team(manager, team)


def load_demo() -> tuple[dict[str, User], list[Team]]:
    people = create_people()
    teams = create_teams(people)
    populate_workspaces(teams, people)
    finish_lifecycles(teams, people)
    populate_direct_messages(people)
    return people, teams
