"""A person who has left traces everywhere (tests/test_erasure.py), and the scan that looks for them in every column
of every table, every stored file and the search engine."""
import json
from pathlib import Path

from django.contrib.admin import ModelAdmin, site
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory

from teams.board import attachments, comments
from teams.direct import messages as direct_messages
from teams.direct.conversations import start_conversation
from teams.discussion.posting import post_message
from teams.discussion.reactions import add_reaction
from teams.invitations.services import invite
from teams.membership import enrol_member
from teams.models import Membership
from teams.people.services import update_professional_profile
from teams.search import text
from teams.search.query import query
from tests.conftest import make_user
from tests.discussion_helpers import general
from tests.search_helpers import new_card

FIRST, LAST, EMAIL, LOGIN = "Zerlinda", "Quackenbüsch", "zerlinda.q@klinik.example", "zerlinda"
OLD_EMAIL = "z.quackenbuesch@alt.example"  # the address before an e-mail change


def needles() -> list[str]:
    """Every spelling of the person the database, the files or the index could hold (lower case): the name in
    parts and whole, as the search engines fold it, the login and both addresses."""
    spelled = {f"{FIRST} {LAST}", FIRST, LAST, LOGIN, EMAIL, OLD_EMAIL}
    return sorted({form for each in spelled for form in (each.lower(), text.fold(each))})


def make_person():
    person = make_user(LOGIN)
    User.objects.filter(pk=person.pk).update(first_name=FIRST, last_name=LAST, email=EMAIL)
    person.refresh_from_db()
    return person


def leave_traces(people, make_team, person, upload_text):
    """Two teams (lead of one, expert of the other), messages and a thread reply, @mentions both ways,
    reactions, a card assigned and commented, a board upload, notifications, an invitation to a third team, an
    e-mail change, logins (one failed, with the address), an admin edit, search entries."""
    lead, manager = people["lead"], people["manager"]
    first, second, third = (make_team(name=name) for name in ("Data Spaces", "Care Robots", "Telehealth"))
    enrol_member(manager, first, user=person, role=Membership.Role.LEAD)
    enrol_member(manager, second, user=person, role=Membership.Role.EXPERT)
    update_professional_profile(person, person, organisation="Klinikum Test", sector="care",
                                keywords=["Telemedizin", f"{FIRST}-Protokoll"])
    channel = general(first)
    own = post_message(person, first, channel=channel, body=f"Hallo, ich bin {FIRST} {LAST}. @lead, schau mal.")
    post_message(person, first, channel=channel, body="Eine Antwort im Thread", thread=own)
    theirs = post_message(lead, first, channel=channel, body=f"Danke @{LOGIN}! Gut, dass {FIRST} {LAST} dabei ist.")
    post_message(lead, second, channel=general(second), body=f"@{LOGIN} bitte prüfen")
    add_reaction(person, first, message=theirs, emoji="👍")
    add_reaction(lead, first, message=own, emoji="🎉")
    card = new_card(lead, first, "Prepare the pilot", assignees=[person])
    comments.add_comment(person, card, body="I will do it.")
    comments.add_comment(lead, card, body=f"Thanks @{LOGIN}")
    attachments.add_attachment(person, card, upload=SimpleUploadedFile("notes.txt", upload_text.encode()))
    invite(manager, third, emails=[EMAIL], role="expert", message=f"Liebe {FIRST} {LAST}, mach mit!")
    person.email_changes.create(new_email=EMAIL, old_email=OLD_EMAIL)
    Client().post("/login/", {"username": EMAIL, "password": "wrong"})  # axes: a failure by the address
    Client().post("/login/", {"username": LOGIN, "password": "pw"})  # axes: the login; a session
    # Direct messages both ways: theirs (deleted or kept, as chosen) and the lead's naming them (scrubbed).
    direct = start_conversation(person, [lead])
    direct_messages.post_message(person, direct.pk, body=f"Privat: {FIRST} {LAST} hier")
    direct_messages.post_message(lead, direct.pk, body=f"Hallo @{LOGIN}, danke {FIRST} {LAST}")
    request = RequestFactory().post("/admin/")
    request.user = manager
    ModelAdmin(User, site).log_change(request, person, [{"changed": {"fields": ["first_name"]}}])
    return first, second, third


def _decoded(value):
    """A stored value as text a person would read: JSON unescaped ("\\u00fc" → "ü"), bytes as bytes."""
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.lower()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False).lower()
    value = str(value)
    if value[:1] in "{[\"":
        try:
            return json.dumps(json.loads(value), ensure_ascii=False).lower()
        except ValueError:
            pass
    return value.lower()


def database_hits(words: list[str]) -> list[str]:
    """table.column: word for every stored value that holds a word (every column of every table, Django's or
    not; sessions decoded)."""
    hits = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor, include_views=False)
        if connection.vendor == "sqlite":  # the FTS5 tables: virtual, and their shadow tables
            cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
            tables = sorted({*tables, *(row[0] for row in cursor.fetchall())})
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row):
                    if value is None or isinstance(value, (int, float)):
                        continue
                    if table == "django_session" and column == "session_data":
                        value = SessionStore().decode(value)
                    found = _decoded(value)
                    for word in words:
                        if (word.encode() if isinstance(found, bytes) else word) in found:
                            hits.append(f"{table}.{column}: {word}")
    return hits


def file_hits(root: Path, words: list[str]) -> list[str]:
    return [f"{path}: {word}" for path in root.rglob("*") if path.is_file()
            for word in words if word.encode() in path.read_bytes().lower()]


def search_hits(user) -> list[str]:
    return [f"{word}: {hit.kind} {hit.url}" for word in (f"{FIRST} {LAST}", FIRST, LAST, LOGIN)
            for hit in query(user, word).hits]
