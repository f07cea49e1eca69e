"""Password reset by e-mail: Django's views (django.contrib.auth.views.PasswordReset*), with

- one answer for every address: known, unknown and inactive addresses all lead to the same "sent" page
  (Django's form mails only active people with a usable password);
- the mail in the language of the person it goes to (forms.PasswordResetForm), its link starting with
  settings.SITE_URL as every mail's (Django's would take the request's Host header);
- a throttle per client address and per typed address (throttle.reset_request): over it, a translated 429
  page and no mail, the same for known and unknown addresses;
- a link of a person deactivated since it was sent no longer works;
- a new password ends the lockout of django-axes for that login name (who holds the mailbox may log in again),
  and, as any password change, the person's other sessions and their sockets (realtime/sessions.py).
"""
from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import render

from teams.audit.trail import record
from workspace.security import client_ip

from . import throttle
from .forms import PasswordResetForm


def link_hours() -> int:
    """How long a reset link works, in whole hours (settings.PASSWORD_RESET_TIMEOUT), for the texts."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


class WithLinkHours:
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "hours": link_hours()}


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    @property
    def extra_email_context(self):
        return {"hours": link_hours(), "site_url": settings.SITE_URL}  # the link's start: not the request's Host

    def form_valid(self, form):
        wait = throttle.reset_request(client_ip(self.request), form.cleaned_data["email"])
        if wait:
            return render(self.request, "registration/password_reset_throttled.html",
                          {"minutes": throttle.minutes(wait)}, status=429)
        return super().form_valid(form)


class PasswordResetDoneView(WithLinkHours, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(WithLinkHours, auth_views.PasswordResetConfirmView):
    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        with transaction.atomic():  # the new password and its audit entry together
            response = super().form_valid(form)
            record("password.reset", subject=form.user)  # whoever holds the mailbox: no signed-in actor
        reset_login_failures(username=form.user.get_username())
        return response
