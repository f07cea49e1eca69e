"""Login throttling glue for django-axes (configured in workspace/settings.py; see docs/security.md)."""
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import MaxLengthValidator
from django.forms.utils import ErrorDict
from django.shortcuts import render
from django.utils.translation import gettext as _


class AxesBackend(AxesStandaloneBackend):
    """django-axes' standalone backend, except that a programmatic authenticate() without a request
    (Django's test client.login, management commands) is not throttled: there is no client to
    count. Every login over HTTP passes the request and is throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginForm(AuthenticationForm):
    """Django's login form, except that a login name longer than any account's is refused before anything is
    checked (Django sets the length only on the widget): django-axes would store it in a 255-character column,
    which PostgreSQL refuses (a 500)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length or 150))


def client_ip(request):
    if settings.AXES_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with a clear message and HTTP 429, instead of axes' bare text."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed login attempts for this name from your address. "
                "Please wait %(minutes)d minutes and try again.") % {"minutes": minutes}
    form = AuthenticationForm(request, data=request.POST or None)
    form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class([message], error_class="nonfield")})
    return render(request, "registration/login.html",
                  {"form": form, "fields": form.as_div(), "next": request.POST.get("next", ""), "locked_out": True},
                  status=429)
