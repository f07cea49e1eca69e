"""The mail with the download link: to whoever asked (the person, or the cluster manager who asked for them),
in the recipient's language, plain text with an HTML alternative; the link starts with SITE_URL.

Claimed before sending (`mailed_at`), so a redelivered job (acks_late) mails nothing twice; a failed send undoes
the claim and raises, and the job is tried again."""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teams.notify.services import language_of

from . import services
from .models import DataExport


def send_link(export: DataExport) -> bool:
    """Mail the link of a ready export once. True if this call sent it."""
    recipient = export.requested_by
    if not recipient.email or not recipient.is_active:
        return False
    now = timezone.now()
    if not DataExport.objects.filter(pk=export.pk, mailed_at__isnull=True).update(mailed_at=now):
        return False
    try:
        message(export).send()
    except Exception:
        DataExport.objects.filter(pk=export.pk, mailed_at=now).update(mailed_at=None)
        raise
    return True


def message(export: DataExport) -> EmailMultiAlternatives:
    recipient, person = export.requested_by, export.person
    site = settings.SITE_URL.rstrip("/")
    with translation.override(language_of(recipient)):
        context = {
            "export": export, "own": recipient.pk == person.pk, "site": site,
            "person": person.get_full_name() or person.username,
            "link": site + reverse("dataexport:download", args=[services.link_token(export)]),
        }
        subject = (_("[Topic teams] Your data is ready to download") if context["own"] else
                   _("[Topic teams] The data of %(person)s is ready to download") % {"person": context["person"]})
        mail = EmailMultiAlternatives(subject=" ".join(subject.split())[:200],
                                      body=render_to_string("dataexport/mail.txt", context), to=[recipient.email])
        mail.attach_alternative(render_to_string("dataexport/mail.html", context), "text/html")
    return mail
