"""Helpers for the invitation tests: invite through the service, get the link the mail job writes (from
Django's test outbox, or a real SMTP server in the mail and browser tests), and read a page's main part."""
import datetime
import re
from urllib.parse import urlsplit

from django.core import mail as django_mail
from django.utils import timezone

from teams.invitations import mail
from teams.invitations import services as invitation_services
from teams.invitations.models import Invitation
from tests.mail_server import LINK

MAIN = re.compile(r"<main>(.*)</main>", re.S)


def invite(actor, team, *, role="expert", **kwargs) -> list[Invitation]:
    return invitation_services.invite(actor, team, role=role, **kwargs).invitations


def mailed_path(invitation) -> str:
    """Run the mail job for the invitation (as the worker would) and return its link's path."""
    assert mail.send_invitation(invitation.pk), "the mail job sent nothing"
    message = django_mail.outbox[-1]
    return urlsplit(LINK.search(message.body).group(0)).path


def invited_with_link(actor, team, address, **kwargs) -> tuple[Invitation, str]:
    invitation = invite(actor, team, emails=[address], **kwargs)[0]
    return invitation, mailed_path(invitation)


def main_part(response) -> str:
    """The page's <main> (the rest carries per-request tokens)."""
    found = MAIN.search(response.content.decode())
    assert found, response.content[:300]
    return found.group(1)


def expire_now(invitation) -> None:
    """Time passes: the invitation's 14 days are over."""
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
