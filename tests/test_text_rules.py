"""The shared text rules (teams/text_input.py) on every people, invitation, account and contribution form:
bytes that are not UTF-8 (Django reads them as U+FFFD), control characters (ESC), bidi overrides (U+202E)
and invisible characters (U+200B) are a form error next to the field; nothing is written, no mail queued.
Plain text with < and > in a message is fine."""
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from teams.contributions.models import Contribution
from teams.invitations import mail
from teams.invitations.models import Invitation
from teams.models import Event, Membership, Profile
from teams.people.models import Expertise, Organisation
from teams.text_input import check_line, check_lines
from tests.foundation_helpers import page_text
from tests.invitation_helpers import invited_with_link

pytestmark = pytest.mark.django_db

NOT_UTF8 = b"%ED%A0%80"  # the UTF-8 form of a lone surrogate: not UTF-8; Django reads "\ufffd"s
PASSWORD = "Pflege-Netz 2026!"


def stored():
    return (list(User.objects.order_by("pk").values()), list(Profile.objects.order_by("pk").values()),
            list(Organisation.objects.order_by("pk").values()), list(Expertise.objects.values()),
            list(Contribution.objects.order_by("pk").values()), list(Invitation.objects.order_by("pk").values()),
            Event.objects.count(), list(Membership.objects.order_by("pk").values()))


def body(data: dict, field: str, raw: bytes) -> bytes:
    parts = [f"{quote(k)}={quote(v)}".encode() for k, v in data.items() if k != field]
    return b"&".join([*parts, field.encode() + b"=Ada" + raw + b"Lovelace"])


NEW_PERSON = {"first_name": "Katrin", "last_name": "Lange", "organisation": "Klinikum Potsdam", "sector": "care",
              "location": "brandenburg", "password1": PASSWORD, "password2": PASSWORD, "language": "en",
              "privacy_notice": "on"}
CONTRIBUTION = {"hours_per_month": "4", "facilities": "Lab", "data": "", "funding": "", "network": ""}
PROFILE = {"organisation": "Klinikum Potsdam", "sector": "care", "location": "berlin", "keywords": "FHIR"}
INVITE = {"role": "expert", "addresses": "ada@example.org", "message": "Hallo"}


def _form(name, people, team, client):
    """(url, data, who signs in) of each form."""
    if name == "new_person":
        _invitation, path = invited_with_link(people["lead"], team, "katrin@example.org")
        return path, NEW_PERSON, None
    if name == "contribution":
        membership = Membership.objects.get(team=team, user=people["expert"])
        return f"/teams/{team.slug}/members/{membership.pk}/contribution/", CONTRIBUTION, people["expert"]
    if name == "profile":
        return "/people/me/edit/", PROFILE, people["expert"]
    if name == "account_name":
        return "/account/name/", {"first_name": "Ada", "last_name": "Lovelace"}, people["expert"]
    return f"/teams/{team.slug}/members/invite/", INVITE, people["lead"]


FIELDS = [("new_person", "first_name"), ("new_person", "last_name"), ("new_person", "organisation"),
          ("invite", "message"), ("profile", "organisation"), ("account_name", "first_name"),
          ("account_name", "last_name"), ("contribution", "facilities"), ("contribution", "network")]
SINGLE_LINE = {"first_name", "last_name", "organisation"}


@pytest.mark.parametrize("form, field", [*FIELDS, ("profile", "keywords")])
def test_bytes_that_are_not_utf8_are_refused(client, people, team, form, field, django_capture_on_commit_callbacks):
    url, data, who = _form(form, people, team, client)
    if who:
        client.force_login(who)
    before = stored()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, data=body(data, field, NOT_UTF8), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.status_code
    assert "could not be read (it was not sent as UTF-8" in page_text(response)
    assert stored() == before and not [c for c in callbacks if getattr(c, "func", None) is mail.enqueue]


@pytest.mark.parametrize("form, field", FIELDS)
@pytest.mark.parametrize("char", ["\x1b", "\u202e", "\x07"])
def test_control_and_bidi_characters_are_refused(client, people, team, form, field, char,
                                                 django_capture_on_commit_callbacks):
    url, data, who = _form(form, people, team, client)
    if who:
        client.force_login(who)
    before = stored()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {**data, field: f"Ada{char}Lovelace"})
    assert response.status_code == 200
    assert "control characters and invisible characters are not allowed" in page_text(response)
    assert stored() == before and not [c for c in callbacks if getattr(c, "func", None) is mail.enqueue]


@pytest.mark.parametrize("form, field", [f for f in FIELDS if f[1] in SINGLE_LINE])
def test_invisible_characters_are_refused_in_names(client, people, team, form, field):
    url, data, who = _form(form, people, team, client)
    if who:
        client.force_login(who)
    before = stored()
    response = client.post(url, {**data, field: "Ada\u200bLovelace"})
    assert "control characters and invisible characters are not allowed" in page_text(response)
    assert stored() == before


def test_the_rules_of_a_line_and_of_lines():
    for text in ("Ada Lovelace", "Zoë Ørsted-Weiß", "Müller & Söhne < GmbH >", "Dr. Weiß 🧑‍⚕️", "👩🏽‍🔬 Labor",
                 "👨‍👩‍👧", "❤️‍🔥"):  # an emoji's joiner is part of one picture
        check_line(text)
    check_lines("Erste Zeile\r\nZweite\tZeile\n\u200bwith a zero-width space")
    for bad in ("a\tb", "a\nb", "a\x85b", "a\u2066b", "a\ufeffb", "a\u00adb", "a\ufffdb", "a\ud800b", "a\x00b",
                "Ada\u200dLovelace", "Admin\u200d", "\u200d👩", "👩\u200d", "a\u200cb"):
        with pytest.raises(ValidationError):
            check_line(bad)
    for bad in ("a\x1bb", "a\u202db", "a\u2069b", "a\ufffdb", "a\x7fb"):
        with pytest.raises(ValidationError):
            check_lines(bad)
