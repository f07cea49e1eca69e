"""Erasure (GDPR Art. 17), teams/erasure: after one service call nothing stored holds the person's name, login or
e-mail: every column of every table (Django's and the libraries', sessions decoded, the search engine's own
tables), every stored file, the search results. The event log keeps every row and seq; other people's data stays.
"""
import pytest
from django.contrib.auth.models import User

from teams.audit.models import AuditEntry
from teams.board.models import Attachment, Comment
from teams.dataexport import archive, files
from teams.dataexport.models import DataExport
from teams.direct.models import DirectMessage
from teams.discussion.models import Message
from teams.erasure import scrub
from teams.erasure.scrub import Identity, Scrubber
from teams.erasure.services import erase_person
from teams.models import Event, Team
from tests.erasure_helpers import FIRST, database_hits, file_hits, leave_traces, make_person, needles, search_hits

CHOICES = [("anonymise", "keep"), ("delete", "delete")]


def event_log():
    return {(team_id, seq): pk for pk, team_id, seq in Event.objects.values_list("pk", "team_id", "seq")}


@pytest.mark.parametrize("messages,uploads", CHOICES)
def test_after_an_erasure_nothing_holds_the_persons_name_or_address(
        people, make_team, settings, tmp_path, django_capture_on_commit_callbacks, monkeypatch, messages, uploads):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(scrub, "BATCH", 3)  # tables with more rows to scrub than one batch
    person = make_person()
    # A kept file is the team's work (not rewritten); a deleted one may hold anything.
    upload_text = f"Notes by {FIRST}" if uploads == "delete" else "Quarterly figures"
    leave_traces(people, make_team, person, upload_text)
    export = DataExport.objects.create(person=person, requested_by=person, status=DataExport.Status.READY,
                                       path=files.new_path())
    files.export_root().mkdir(parents=True, exist_ok=True)
    archive.write(person, files.file_of(export))  # their data on request: a ZIP of everything about them
    theirs = DataExport.objects.create(person=people["lead"], requested_by=people["lead"],
                                       status=DataExport.Status.READY, path=files.new_path())
    archive.write(people["lead"], files.file_of(theirs))  # the lead's: it quotes messages mentioning the person
    words = needles()
    assert database_hits(words) and search_hits(people["manager"])  # the scan finds what is there
    if uploads == "delete":
        assert file_hits(tmp_path, words)
    before = event_log()
    others = list(User.objects.exclude(pk=person.pk).order_by("pk").values())
    lead_messages = list(Message.objects.filter(author=people["lead"]).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        erasure = erase_person(people["manager"], person, messages=messages, uploads=uploads)

    assert database_hits(words) == []
    assert file_hits(tmp_path, words) == []
    assert not DataExport.objects.filter(person=person).exists() and not files.file_of(export).exists()
    theirs.refresh_from_db()  # ended (the lead may ask again and gets the scrubbed data)
    assert theirs.status == DataExport.Status.EXPIRED and not files.file_of(theirs).exists()
    assert search_hits(people["manager"]) == []
    # The log: every row kept with its seq, new events after them, every team's seqs 1…last without a gap.
    after = event_log()
    assert all(after.get(key) == pk for key, pk in before.items())
    for team in Team.objects.all():
        assert sorted(seq for team_id, seq in after if team_id == team.pk) == list(range(1, team.last_seq + 1))
    # The account: anonymised, no way in; the choices recorded.
    person.refresh_from_db()
    assert (person.get_full_name(), person.username, person.email) == (
        f"Former member {erasure.number}", f"former-member-{erasure.number}", "")
    assert not person.is_active and not person.has_usable_password() and not person.groups.exists()
    assert (erasure.messages, erasure.uploads, erasure.erased_by) == (messages, uploads, people["manager"])
    entry = AuditEntry.objects.get(kind="person.erased")
    assert (entry.actor, entry.subject, entry.detail) == (
        people["manager"], person, {"messages": messages, "uploads": uploads, "number": erasure.number})
    own_messages = Message.objects.filter(author=person)
    own_direct = DirectMessage.objects.filter(author=person)
    assert own_direct.count() == 1 and own_direct.get().is_deleted == (messages == "delete")
    if messages == "delete":
        assert own_messages.count() == 2 and not own_messages.filter(deleted_at__isnull=True).exists()
        assert not Comment.objects.filter(author=person).exists()
    else:
        assert own_messages.filter(deleted_at__isnull=True).count() == 2
        assert Comment.objects.filter(author=person).count() == 1
    assert Attachment.objects.filter(uploaded_by=person).count() == (uploads == "keep")
    # Other people: their accounts as they were, their messages kept (a mention now names the new login).
    assert list(User.objects.exclude(pk=person.pk).order_by("pk").values()) == others
    assert set(Message.objects.filter(author=people["lead"], deleted_at__isnull=True).values_list(
        "pk", flat=True)) == set(lead_messages)
    assert Message.objects.filter(body__contains=f"@former-member-{erasure.number}").count() == 2


def test_the_scrubber_replaces_what_is_certainly_the_person_and_nothing_else():
    scrubber = Scrubber(Identity(names=("Zerlinda Quackenbüsch", "Quackenbüsch, Zerlinda"), username="zerlinda",
                                 emails=("zerlinda.q@klinik.example",)), name="Former member 7",
                        username="former-member-7")
    assert scrubber.text("Ask @Zerlinda. Or @zerlinda, or ZERLINDA  quackenbüsch!") == \
        "Ask @former-member-7. Or @former-member-7, or Former member 7!"
    assert scrubber.text("Quackenbüsch, Zerlinda wrote to Zerlinda.Q@KLINIK.example") == \
        "Former member 7 wrote to Former member 7"
    # Another login that starts alike, an address, code-like text, a plain word: not theirs for certain.
    unchanged = "@zerlinda.qq and mail@zerlinda.example, zerlinda said; Zerlinda Quackenbüschová"
    assert scrubber.text(unchanged) == unchanged
    assert scrubber.text(" zerlinda.q@klinik.example ") == ""
    assert scrubber.text("Zerlinda", login_alone=True) == "former-member-7" and scrubber.text("zerlinda") == "zerlinda"
    assert scrubber.value({"by": "Zerlinda Quackenbüsch", "list": [{"names": "A, Zerlinda Quackenbüsch"}, 3, None],
                           "zerlinda": True}) == {"by": "Former member 7",
                                                  "list": [{"names": "A, Former member 7"}, 3, None],
                                                  "former-member-7": True}
