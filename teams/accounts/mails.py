"""The account mails, each in the language of the person it is about (the one they chose or logged in with
last: teams.notify.services.language_of), whatever the language of the page that caused it."""
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from teams.notify.services import language_of


def send(person: User, to: str, template: str, context: dict) -> None:
    """Render templates/accounts/<template>_subject.txt and <template>.txt in the person's language and send."""
    with translation.override(language_of(person)):
        context = {"person": person, **context}
        subject = " ".join(render_to_string(f"accounts/{template}_subject.txt", context).split())
        body = render_to_string(f"accounts/{template}.txt", context)
    EmailMessage(subject=subject, body=body, to=[to]).send()


def confirm_new_address(person: User, new_email: str, link: str) -> None:
    send(person, new_email, "email_confirm", {"new_email": new_email, "link": link})


def tell_old_address(person: User, old_email: str, new_email: str) -> None:
    send(person, old_email, "email_changed", {"old_email": old_email, "new_email": new_email})
