"""The demo's direct messages (teams/demo.py): a conversation of two and a small group, written through the
services like anyone's, some read, some not (so the header shows a count)."""
from django.contrib.auth.models import User

from teams.discussion.rate_limit import rate_limit_suspended

from .conversations import start_conversation
from .messages import post_message
from .reactions import add_reaction, mark_read

# (the starter, the others, the group's name, [(author, body)])
CONVERSATIONS = [
    ("david", ["julia"], "", [
        ("david", "Julia, could your feasibility team look at the FHIR pilot before Friday?"),
        ("julia", "Yes — send me the **draft protocol** and I will ask @felix too."),
        ("david", "Thanks! It is in the team's files, task #1."),
    ]),
    ("katrin", ["david", "mariam"], "Telemedizin Brandenburg", [
        ("katrin", "Kurze Abstimmung zu den Pilotkliniken: Potsdam und Cottbus?"),
        ("mariam", "Die Gesundheitskasse würde beide Standorte mitfinanzieren."),
    ]),
]


def populate_direct_messages(people: dict[str, User]) -> None:
    with rate_limit_suspended():
        for starter, others, name, messages in CONVERSATIONS:
            conversation = start_conversation(people[starter], [people[o] for o in others], name=name)
            events = [post_message(people[author], conversation.pk, body=body) for author, body in messages]
            first = events[0].data["message"]
            add_reaction(people[others[0]], conversation.pk, message=first, emoji="👍")
            mark_read(people[starter], conversation.pk, message=events[-1].data["message"])
