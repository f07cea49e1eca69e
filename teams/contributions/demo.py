"""What the demo's experts bring to their teams (teams/demo.py calls this for each running team), stated through
the service like any member would."""
from django.contrib.auth.models import User

from teams.models import Membership, Team

from .services import state_contribution

# username: what they offer in every team they are a member of
CONTRIBUTIONS: dict[str, dict] = {
    "david": {"hours_per_month": 8, "facilities": "Clinical data warehouse of University Hospital Berlin-Mitte",
              "data": "Pseudonymised discharge letters for the FHIR pilots"},
    "felix": {"hours_per_month": 12, "data": "A test FHIR server with synthetic patients",
              "network": "Digital-health start-ups in Berlin"},
    "mariam": {"hours_per_month": 6, "funding": "Innovation budget of the Gesundheitskasse Nordost for pilots",
               "network": "The statutory insurers of the region"},
    "ben": {"hours_per_month": 10, "facilities": "Interoperability lab at TU Berlin"},
    "katrin": {"hours_per_month": 16, "facilities": "Telemedicine centre at Klinikum Potsdam",
               "network": "Nursing directors of the Brandenburg hospitals"},
    "julia": {"hours_per_month": 8, "funding": "Co-financing of trial feasibility studies"},
    "nora": {"hours_per_month": 6, "facilities": "Biosensor test bench"},
}


def populate_contributions(team: Team, people: dict[str, User]) -> None:
    """Each demo person of CONTRIBUTIONS states their offer in `team`, if they are one of its members."""
    members = Membership.objects.filter(team=team, state=Membership.State.ACTIVE, user__in=people.values())
    for membership in members.select_related("user"):
        offer = CONTRIBUTIONS.get(membership.user.username)
        if offer:
            state_contribution(membership.user, membership, **offer)
