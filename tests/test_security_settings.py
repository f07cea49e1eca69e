"""Production settings pass Django's deployment checklist; security headers are sent."""
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import ROOT


def production_env(**extra):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="example.org", HTTPS="1",
               VAR_DIR=str(ROOT / "var"), **extra)
    return env


def test_check_deploy_is_clean():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_check_deploy_without_https_does_warn():
    """The check really looks: without HTTPS=1 the same run reports the missing HSTS and secure cookies."""
    env = production_env()
    env.pop("HTTPS")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert "security.W004" in result.stderr + result.stdout  # HSTS


@pytest.mark.django_db
def test_security_headers_on_pages(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
                      "connect-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'self'",
                      "object-src 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
