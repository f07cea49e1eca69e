"""Demo content for the boards: realistic cards for each running demo team, made through the services."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from teams.models import Membership
from teams.permissions import Action, can_change_board

from . import attachments, cards, checklists, comments
from .columns import set_up_board, update_column
from .models import Card, Column

# title, column index, priority, due in days (None: no date), labels, checklist [(text, done)], description
COMMON = [
    ("Kick-off workshop with all partners", 4, "normal", -40, ["workshop"],
     [("Book the room at the cluster office", True), ("Send invitations", True), ("Write the minutes", True)],
     "Half-day workshop to agree on scope, roles and the **first milestones**."),
    ("Map existing initiatives in Berlin and Brandenburg", 3, "normal", 5, ["research"],
     [("Hospitals", True), ("Insurers", True), ("Start-ups", False)],
     "Desk research plus short calls. Result: a table of who does what, shared in the team folder."),
    ("Draft the team's work plan for the advisory board", 2, "high", 9, ["reporting"],
     [("Goals and indicators", True), ("Time line", False), ("Resources", False)],
     "The advisory board reviews progress per strategic goal: link each work package to its goal."),
    ("Collect funding options (EU, federal, state)", 1, "normal", 21, ["funding"], [],
     "Check EFRE, the Federal Ministry of Health's innovation fund and the state programmes."),
    ("Interview three hospital departments about their needs", 1, "high", 14, ["research", "hospitals"],
     [("Charité contact", False), ("Potsdam contact", False), ("Cottbus contact", False)], ""),
    ("Prepare the status report for the cluster conference", 0, "normal", 60, ["reporting"], [], ""),
    ("Data protection check with the state data protection officer", 0, "urgent", -3, ["legal"],
     [("Send the data flow diagram", False)],
     "Overdue: we need the DPO's statement before the pilot can start."),
    ("Publish a short article in the cluster newsletter", 0, "low", None, ["communication"], [], ""),
]

SPECIFIC = {
    "Interoperable Patient Data": [
        ("Agree on the FHIR profiles for discharge letters", 2, "high", 12, ["fhir", "standards"],
         [("Collect the hospitals' current formats", True), ("Compare with the ISiK profiles", False)],
         "Start from the gematik **ISiK** profiles; list deviations per hospital."),
        ("Pilot exchange between two hospitals", 1, "normal", 45, ["pilot", "hospitals"], [], ""),
        ("Test server for the insurers' claims data", 3, "normal", 2, ["fhir"], [], ""),
    ],
    "Telemedicine in Rural Brandenburg": [
        ("Select the first three pilot districts", 4, "normal", -20, ["pilot"], [], ""),
        ("Broadband check for the tele-nursing stations", 2, "high", -5, ["infrastructure"],
         [("Uckermark", True), ("Prignitz", False), ("Elbe-Elster", False)], ""),
        ("Reimbursement model with the insurers", 1, "urgent", 30, ["funding"], [], ""),
    ],
    "Clinical Trials Network": [
        ("Feasibility request form for sponsors", 3, "normal", 7, ["process"], [], ""),
        ("Recruitment dashboard prototype", 2, "high", 20, ["digital"], [], ""),
    ],
    "Start-up Meets Hospital": [
        ("Matchmaking event in Adlershof", 1, "high", 25, ["event"],
         [("Find a venue", True), ("Call for start-ups", False)], ""),
        ("Regulatory coaching: MDR checklist", 2, "normal", 10, ["legal"], [], ""),
    ],
    "Healthcare Tourism Berlin-Brandenburg": [
        ("Catalogue of rehabilitation clinics", 2, "normal", -2, ["research"], [], ""),
        ("Contact the state tourism board", 0, "low", None, ["communication"], [], ""),
    ],
}



def _workers(team, people):
    memberships = Membership.objects.filter(team=team, state=Membership.State.ACTIVE).exclude(
        role=Membership.Role.OBSERVER).select_related("user").order_by("role", "user__username")
    return [m.user for m in memberships]


def populate_board(team, people, *, finished=False):
    """`finished`: the team will be concluded after its work is in (most of its cards end done)."""
    if Card.objects.filter(team=team).exists():
        return
    columns = list(Column.objects.filter(team=team, archived=False).order_by("rank"))
    if not columns:
        set_up_board(team, None)
        columns = list(Column.objects.filter(team=team, archived=False).order_by("rank"))
    workers = _workers(team, people)
    if not workers:
        return
    goals = list(team.goals.all())
    lead = workers[0]
    today = timezone.localdate()
    update_column(lead if can_change_board(lead, Action.EDIT, team) else people["anna"], columns[2],
                  name=columns[2].name, wip_limit=3)
    specs = SPECIFIC.get(team.name, []) + COMMON
    for n, (title, column_index, priority, due, labels, checklist, description) in enumerate(specs):
        author = workers[n % len(workers)]
        assignees = [workers[(n + k) % len(workers)] for k in range(1 + n % 2)]
        card_goals = [goals[n % len(goals)]] if goals else []
        event = cards.create_card(
            author, team, column=columns[0], title=title, description=description, priority=priority,
            assignees=list(dict.fromkeys(assignees)), labels=labels, goals=card_goals,
            due_date=today + datetime.timedelta(days=due) if due is not None else None)
        card = Card.objects.get(pk=event.data["card"])
        for text, done in checklist:
            item_event = checklists.add_checklist_item(author, card, text=text)
            if done:
                item = card.checklist.get(pk=item_event.data["item"])
                checklists.set_checklist_item(author, item, done=True)
        if finished and n % 5:  # a team that has ended finished most of its work
            column_index = len(columns) - 1
        if column_index:
            card.refresh_from_db()
            cards.move_card(author, card, column=columns[column_index], after=None, version=card.version)
        if n % 3 == 0:
            card.refresh_from_db()
            other = workers[(n + 1) % len(workers)]
            comments.add_comment(other, card, body=f"I can take this on next week, @{author.username}.")
        if n == 1:
            card.refresh_from_db()
            attachments.add_attachment(author, card, upload=SimpleUploadedFile(
                "initiatives.csv", b"organisation,initiative,contact\nCharite,Data hub,Dr. Weiss\n",
                content_type="text/csv"))
