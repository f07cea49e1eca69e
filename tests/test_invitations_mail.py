"""The invitation mail for real: over SMTP (aiosmtpd) from this process and from a real Celery worker on Redis and
PostgreSQL; a failed send undoes the job's claim (the job is tried again and a later run sends it); a job whose
message was lost is queued again by the sweep; a redelivered job sends nothing more."""
import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from teams.invitations import mail
from teams.invitations.models import Invitation
from tests.conftest import ROOT, celery_worker_process, free_port, make_user
from tests.invitation_helpers import invite
from tests.mail_server import link_in, text_of


@pytest.mark.django_db
def test_the_mail_arrives_over_smtp_as_text_with_an_html_alternative(client, people, team, smtp_inbox):
    invitation = invite(people["lead"], team, emails=["Ada.Lovelace@example.org"], message="Bis bald <3 & Grüße",
                        language="en")[0]
    assert mail.send_invitation(invitation.pk)
    received = smtp_inbox.wait_for("ada.lovelace@example.org")
    assert received["Subject"].strip() == "[Topic teams] Lead Tester invites you to “Data Spaces”"
    text = text_of(received)
    assert "Lead Tester (Test org) invites you to join the topic team “Data Spaces”" in text
    assert "Bis bald <3 & Grüße" in text
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "Bis bald &lt;3 &amp; Grüße" in html and '<html lang="en">' in html
    link = link_in(received)
    assert f'href="{link}"' in html
    assert client.get(link.removeprefix(settings.SITE_URL)).status_code == 200


@pytest.mark.django_db
def test_a_failed_send_undoes_the_claim_so_a_retry_sends_a_working_link(client, people, team, smtp_inbox, settings):
    invitation = invite(people["lead"], team, emails=["ada@example.org"])[0]
    settings.EMAIL_PORT = free_port()  # nothing listens there: the SMTP connection is refused
    with pytest.raises(OSError):
        mail.send_invitation(invitation.pk)
    invitation.refresh_from_db()
    assert invitation.token_hash is None and invitation.mailed_at is None
    settings.EMAIL_PORT = smtp_inbox.port
    assert mail.send_invitation(invitation.pk)
    link = link_in(smtp_inbox.wait_for("ada@example.org"))
    assert client.get(link.removeprefix(settings.SITE_URL)).status_code == 200


@pytest.mark.django_db
def test_nothing_is_mailed_for_an_answered_expired_or_addressless_invitation(people, team, mailoutbox):
    nobody = make_user("nobody")
    nobody.email = ""
    nobody.save()
    withdrawn, expired = invite(people["lead"], team, emails=["a@example.org", "b@example.org"])
    addressless = invite(people["lead"], team, people=[nobody])[0]
    Invitation.objects.filter(pk=withdrawn.pk).update(state=Invitation.State.REVOKED)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert [mail.send_invitation(i.pk) for i in (withdrawn, expired, addressless)] == [False, False, False]
    assert mail.send_invitation(999_999) is False and mailoutbox == []


@pytest.mark.django_db
def test_the_sweep_queues_again_only_mails_whose_job_never_ran(people, team):
    stuck, fresh, mailed = invite(people["lead"], team, emails=["a@example.org", "b@example.org", "c@example.org"])
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    Invitation.objects.filter(pk__in=[stuck.pk, mailed.pk]).update(sent_at=long_ago)
    Invitation.objects.filter(pk=mailed.pk).update(token_hash="0" * 64)
    assert mail.lost_mails() == [stuck.pk]


# A real worker on Redis and PostgreSQL (the integration suite) -------------------------------

@pytest.fixture
def mail_worker(redis_and_postgres, transactional_db, smtp_inbox):
    log = ROOT / "var" / f"celery-invitations-{settings.TEST_RUN_ID}.log"
    with celery_worker_process("-c", "1", "-P", "solo", log=log,
                               env={**smtp_inbox.env, "SITE_URL": "http://testserver"}) as process:
        yield process


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_worker_mails_an_invitation_made_over_http_once(client, people, team, smtp_inbox, mail_worker):
    client.force_login(people["lead"])
    response = client.post(f"/teams/{team.slug}/members/invite/", {"addresses": "ada@example.org", "role": "expert"})
    assert response.status_code == 302
    received = smtp_inbox.wait_for("ada@example.org", timeout=30)
    link = link_in(received)
    invitation = Invitation.objects.get(team=team)
    mail.enqueue(invitation.pk)  # redelivered jobs (acks_late after a crash): each finds the link made
    mail.enqueue(invitation.pk)
    invite(people["lead"], team, emails=["marker@example.org"])  # queued after them: one worker, in order
    smtp_inbox.wait_for("marker@example.org", timeout=30)
    assert len(smtp_inbox.to("ada@example.org")) == 1
    client.logout()
    assert client.get(link.removeprefix("http://testserver")).status_code == 200
