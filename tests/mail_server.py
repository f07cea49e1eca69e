"""A real SMTP server (aiosmtpd) that the tests receive mail on, from this process or a live server.

`smtp_inbox` (tests/conftest.py) points Django's SMTP backend at it; `inbox.env` is the environment a
daphne or Celery process needs to send there too. `inbox.wait_for(address)` waits (with a deadline) for
the next mail to that address and returns it parsed; `link_in(mail)` is the first link of its text.
"""
import email
import email.policy
import re
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"]+")


class Inbox:
    def __init__(self, port):
        self.port = port
        self.mails: list[tuple[list[str], EmailMessage]] = []
        self.arrived = threading.Condition()
        self.taken = 0
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    def start(self):
        self.controller.start()
        self.env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "false",
                    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
        return self

    def stop(self):
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.mails.append(([address.lower() for address in envelope.rcpt_tos], mail))
            self.arrived.notify_all()
        return "250 OK"

    def to(self, address) -> list[EmailMessage]:
        with self.arrived:
            return [mail for recipients, mail in self.mails if address.lower() in recipients]

    def wait_for(self, address, *, count=1, timeout=15.0) -> EmailMessage:
        """The `count`-th mail to `address` (1: the first), once it has arrived."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(mails := [m for r, m in self.mails if address.lower() in r]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no mail #{count} to {address} within {timeout} s; "
                                         f"got mail for {[r for r, _m in self.mails]}")
                self.arrived.wait(left)
            return mails[count - 1]


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""


def link_in(mail: EmailMessage) -> str:
    found = LINK.search(text_of(mail))
    assert found, f"no link in the mail: {text_of(mail)!r}"
    return found.group(0)
