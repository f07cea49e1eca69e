"""Mail for real: the environment picks the backend, and mail arrives over SMTP (aiosmtpd in tests/mail_server.py)."""
import json
import subprocess
import sys

from django.core.mail import send_mail

from tests.conftest import ROOT, server_env
from tests.mail_server import text_of


def settings_in_a_process(**env):
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.EMAIL_BACKEND, str(s.EMAIL_FILE_PATH), s.EMAIL_PORT, s.EMAIL_USE_TLS]))")
    base = {k: v for k, v in server_env().items() if not k.startswith("EMAIL_")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_embedded_mail_is_written_to_files_and_an_email_host_means_smtp(tmp_path):
    backend, folder, _port, _tls = settings_in_a_process(VAR_DIR=str(tmp_path))
    assert backend.endswith("filebased.EmailBackend") and folder == str(tmp_path / "mail")
    backend, _folder, port, tls = settings_in_a_process(EMAIL_HOST="smtp.example.org", EMAIL_HOST_USER="me")
    assert backend.endswith("smtp.EmailBackend") and port == 587 and tls is True


def test_a_german_mail_arrives_whole_over_smtp(smtp_inbox):
    send_mail("Einladung: Pflegekräfte gewinnen", "Grüße aus Potsdam – bis Mittwoch, 3. Dezember.",
              None, ["Katrin.Lange@example.org"])
    mail = smtp_inbox.wait_for("katrin.lange@example.org")
    assert mail["Subject"] == "Einladung: Pflegekräfte gewinnen"
    assert "Grüße aus Potsdam – bis Mittwoch, 3. Dezember." in text_of(mail)


def test_a_server_process_sends_through_the_environments_smtp_server(smtp_inbox):
    subprocess.run([sys.executable, "manage.py", "sendtestemail", "ops@example.org"], cwd=ROOT,
                   env={**server_env(), **smtp_inbox.env}, capture_output=True, timeout=60, check=True)
    assert "ops@example.org" in str(smtp_inbox.wait_for("ops@example.org")["To"])
