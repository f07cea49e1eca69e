"""Mails go out in each person's language: the one they last switched to or logged in with."""
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.notify import services as notify
from teams.notify.models import MailPreference
from teams.review import meetings as review_meetings

pytestmark = pytest.mark.django_db


def mail_to(user):
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return message


def language_of(user):
    return MailPreference.objects.get(user=user).language


def test_single_mails_in_each_persons_language(people, team):
    MailPreference.objects.create(user=people["lead"], digest=False, language="de")
    MailPreference.objects.create(user=people["expert"], digest=False, language="en")
    review_meetings.add_review_note(people["advisor"], team, body="Note")
    notify.send_single_mails()
    german, english = mail_to(people["lead"]), mail_to(people["expert"])
    assert german.subject == "[Thementeams] Advisor Tester hat eine Review-Notiz zu Data Spaces geschrieben"
    assert "Sie erhalten diese E-Mail" in german.body
    assert english.subject == "[Topic teams] Advisor Tester wrote a review note on Data Spaces"
    assert "You receive this mail" in english.body


def test_digests_in_each_persons_language_and_the_default_for_the_unknown(people, team):
    MailPreference.objects.create(user=people["lead"], language="de")
    review_meetings.add_review_note(people["advisor"], team, body="One")
    review_meetings.add_review_note(people["advisor"], team, body="Two")
    notify.send_digests()
    german = mail_to(people["lead"])
    assert german.subject == "[Thementeams] 2 neue Benachrichtigungen"
    assert "Guten Tag Lead Tester," in german.body and "Das ist in Ihren Thementeams passiert:" in german.body
    assert german.body.count("hat eine Review-Notiz zu Data Spaces geschrieben") == 2
    english = mail_to(people["expert"])  # no preference stored: LANGUAGE_CODE
    assert english.subject == "[Topic teams] 2 new notifications" and "Hello Expert Tester," in english.body


def test_switching_the_language_keeps_it_for_the_mails(client, people):
    lead = people["lead"]
    client.force_login(lead)
    response = client.post(reverse("set_language"), {"language": "de", "next": "/my/"})
    assert response.status_code == 302 and response.url == "/my/"
    assert language_of(lead) == "de"
    client.post(reverse("set_language"), {"language": "fr", "next": "/my/"})  # not offered: ignored
    assert language_of(lead) == "de"
    client.post(reverse("set_language"), {"language": "en", "next": "/my/"})
    assert language_of(lead) == "en"
    assert MailPreference.objects.get(user=lead).digest  # the other preferences keep their defaults


def test_an_anonymous_switch_writes_nothing(client):
    response = client.post(reverse("set_language"), {"language": "de", "next": "/login/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "de"
    assert not MailPreference.objects.exists()


def test_logging_in_keeps_the_language_of_the_login_page_until_one_is_chosen(client, people):
    expert = people["expert"]
    response = client.post(reverse("login"), {"username": "expert", "password": "pw"},
                           HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response.status_code == 302
    assert language_of(expert) == "de"
    with CaptureQueriesContext(connection) as queries:  # ordinary requests leave the preference alone
        client.get("/my/", HTTP_ACCEPT_LANGUAGE="en")
    assert not [q["sql"] for q in queries.captured_queries if "notify_mailpreference" in q["sql"]]
    assert language_of(expert) == "de"
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "expert", "password": "pw"}, HTTP_ACCEPT_LANGUAGE="en")
    assert language_of(expert) == "de"  # an English browser does not undo the language already known
    client.post(reverse("set_language"), {"language": "en", "next": "/my/"})
    assert language_of(expert) == "en"  # choosing does
