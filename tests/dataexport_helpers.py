"""A person's data of every kind, made through the services (one item each per call), for the data export tests."""
import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from teams.audit import trail
from teams.board.attachments import add_attachment
from teams.board.cards import create_card
from teams.board.comments import add_comment
from teams.board.models import Card, Column
from teams.contributions.services import state_contribution
from teams.direct import messages as direct_messages
from teams.direct.conversations import start_conversation
from teams.discussion.posting import post_message
from teams.discussion.reactions import add_reaction
from teams.models import Membership
from teams.notify.models import Notification
from teams.people.models import Expertise, Keyword
from tests.discussion_helpers import general

PDF = b"%PDF-1.4\n" + "Protokoll – Grüße".encode() + b"\n%%EOF\n"


def fill(team, person, other, n=0):
    """One of each kind of `person`'s data in `team` (the n-th round), and `other`'s data that must stay out."""
    channel = general(team)
    other_message = post_message(other, team, channel=channel, body=f"secret of the other person {n}")
    root = post_message(person, team, channel=channel, body=f"Hallo <b>Welt</b> & Grüße {n}")
    post_message(person, team, channel=channel, body=f"a reply in the thread {n}", thread=root)
    add_reaction(person, team, message=other_message, emoji="👍")
    direct = start_conversation(person, [other])
    direct_messages.post_message(person, direct.pk, body=f"direct <i>note</i> {n}")
    direct_messages.post_message(other, direct.pk, body=f"the other's direct message {n}")
    column = Column.objects.filter(team=team, archived=False).order_by("rank").first()
    due = timezone.localdate() + datetime.timedelta(days=5)
    create_card(person, team, column=column, title=f"Draft the FHIR profile {n}", due_date=due, labels=["legal"])
    create_card(other, team, column=column, title=f"Assigned to the person {n}", assignees=[person])
    create_card(other, team, column=column, title=f"The other's own card {n}")
    card = Card.objects.get(title=f"Draft the FHIR profile {n}")
    add_comment(person, card, body=f"Looks good <script>x</script> {n}")
    add_comment(other, card, body=f"the other's comment {n}")
    add_attachment(person, card, upload=SimpleUploadedFile(f"Protokoll März <{n}>.pdf", PDF))
    add_attachment(other, card, upload=SimpleUploadedFile(f"other-{n}.pdf", PDF))
    Notification.objects.create(recipient=person, kind="mention", team=team,
                                data={"team": team.name, "actor": other.get_full_name()})
    Notification.objects.create(recipient=other, kind="mention", team=team, data={"team": team.name})
    trail.record("login", actor=person)
    trail.record("login.failed", subject=person)
    trail.record("login", actor=other)
    return root


def describe_person(person, team):
    """Profile facts beyond the fixture's: keywords and a contribution."""
    keyword = Keyword.objects.create(key="fhir", label="FHIR")
    Expertise.objects.create(profile=person.profile, keyword=keyword)
    state_contribution(person, Membership.objects.get(team=team, user=person), hours_per_month=8,
                       data="Routinedaten der Klinik")


def unzip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))
