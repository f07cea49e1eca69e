"""The account page (/account/): name, e-mail, password and language, each its own small form, and the
confirmation of a new e-mail address. Thin: the services (services.py) and Django's PasswordChangeForm write."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.api.forms import TokenForm
from teams.api.tokens import live_tokens
from teams.audit.trail import record
from teams.dataexport.services import latest_own_export
from teams.notify.services import language_of
from teams.notify.views import set_language_cookie
from teams.views import apply

from . import services, throttle
from .forms import EmailChangeForm, LanguageForm, NameForm


def account_page(request, status=200, **bound):
    """The account page; `bound` replaces the blank form of the section that was posted (with its errors); the API
    tokens section (teams/api/pages.py) passes its form and, once, a new token's text."""
    user = request.user
    password_form = bound.pop("password_form", None) or PasswordChangeForm(user)
    password_form.fields["old_password"].widget.attrs.pop("autofocus", None)  # one of four forms on the page
    forms = {
        "name_form": NameForm(initial={"first_name": user.first_name, "last_name": user.last_name}),
        "email_form": EmailChangeForm(),
        "password_form": password_form,
        "language_form": LanguageForm(initial={"language": language_of(user)}),
        "token_form": TokenForm(),
        **bound,
    }
    return render(request, "accounts/account.html", {
        **forms, "pending": services.pending_email_change(user), "data_export": latest_own_export(user),
        "api_tokens": live_tokens(user)}, status=status)


@login_required
def account(request):
    return account_page(request)


def _section(request, name, form, save, done):
    """One section's POST: a service result leads back to the page saying `done(result)`; a refusal shows the page
    with this section's form and its errors."""
    result = apply(form, save)
    if not result:
        return account_page(request, **{name: form})
    messages.success(request, done(result))
    return redirect("accounts:account")


@login_required
@require_POST
def change_name(request):
    return _section(request, "name_form", NameForm(request.POST),
                    lambda data: services.update_name(request.user, request.user, **data),
                    lambda _user: _("Your name is saved."))


@login_required
@require_POST
def change_email(request):
    confirm_url = settings.SITE_URL + reverse("accounts:confirm_email", args=["TOKEN"])  # not the request's Host
    return _section(request, "email_form", EmailChangeForm(request.POST),
                    lambda data: services.request_email_change(request.user, request.user, confirm_url=confirm_url,
                                                               **data),
                    lambda change: _("We sent a link to %(email)s. Your address changes when you open it; until "
                                     "then your mail goes to %(old)s.") % {"email": change.new_email,
                                                                            "old": change.old_email or "–"})


@login_required
@require_POST
def change_password(request):
    """Django's PasswordChangeForm; saving the user ends their other sessions and sockets (realtime/sessions.py),
    update_session_auth_hash keeps this one signed in."""
    form = PasswordChangeForm(request.user, request.POST)
    wait = throttle.password_change_attempt(request.user.pk)
    if wait:
        form.add_error(None, _("Too many attempts. Please wait %(minutes)d minutes and try again.")
                       % {"minutes": throttle.minutes(wait)})
    elif form.is_valid():
        with transaction.atomic():  # the change and its audit entry together
            user = form.save()
            record("password.changed", actor=user, subject=user)
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is changed. Your other sessions are signed out."))
        return redirect("accounts:account")
    return account_page(request, password_form=form)


@login_required
@require_POST
def change_language(request):
    def save(data):
        language = services.set_language(request.user, request.user, **data)
        translation.activate(language)  # the message below in the chosen language
        return language

    response = _section(request, "language_form", LanguageForm(request.POST), save,
                        lambda _language: _("Your language is saved: pages and mails use it from now on."))
    language = translation.get_language()
    return set_language_cookie(response, language) if response.status_code == 302 else response


def confirm_email(request, token):
    """The link of the mail to the new address: a button (a GET changes nothing: mail scanners open links),
    the POST confirms. No login needed: the link is the proof of the mailbox."""
    try:
        change = services.email_change_for(token)
    except ValidationError as exc:
        return render(request, "accounts/confirm_email.html", {"error": " ".join(exc.messages)}, status=400)
    if request.method == "POST":
        try:
            services.confirm_email_change(token)
        except ValidationError as exc:
            return render(request, "accounts/confirm_email.html", {"error": " ".join(exc.messages)}, status=400)
        messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": change.new_email})
        return redirect("accounts:account" if request.user.is_authenticated else "login")
    return render(request, "accounts/confirm_email.html", {"change": change})
