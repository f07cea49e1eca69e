from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from teams import once
from teams.views import apply
from workspace.security import LoginForm

from . import services
from .forms import MailPreferenceForm
from .models import Kind, Notification

PAGE_SIZE = 50


@login_required
def notifications(request):
    items = list(Notification.objects.filter(recipient=request.user).select_related("team")[:PAGE_SIZE])
    preference = services.mail_preference(request.user)
    form = MailPreferenceForm(initial={
        "digest": preference.digest, "digest_hours": preference.digest_hours,
        "mail_kinds": [kind for kind in Kind.values if preference.wants_mail(kind)]})
    return render(request, "notify/notifications.html", {
        "notifications": items, "form": form, "last_id": max((n.pk for n in items), default=0)})


@login_required
def open_notification(request, notification_id):
    """The notification's link: marks it read (the bell counts it no more), then goes where it points."""
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.mark_read(request.user, ids=[notification.pk])
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):  # a path of this site
        return redirect(notification.url)
    return redirect("notify:list")


@login_required
@require_POST
def mark_read(request):
    ids = None
    if request.POST.get("id"):
        try:
            ids = [int(request.POST["id"])]
        except ValueError:
            ids = []
    services.mark_read(request.user, ids=ids)
    if request.htmx:
        return render(request, "notify/_empty.html")
    target = request.POST.get("next")
    if target and target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notify:list")


@login_required
def preferences(request):
    if request.method != "POST":
        return redirect("notify:list")
    form = MailPreferenceForm(request.POST)
    if apply(form, lambda data: services.set_mail_preferences(request.user, **data)):
        messages.success(request, _("Your mail preferences are saved."))
        return redirect("notify:list")
    messages.error(request, _("Please check your mail preferences."))
    return redirect("notify:list")


def set_language_cookie(response, language):
    """The language cookie Django's set_language sets: the pages speak `language` from the next request on."""
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response


class LoginView(auth_views.LoginView):
    """Django's login; from here on the pages speak the language the person chose last (kept on
    their MailPreference), on any device, not the browser's default."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        # The empty form (no data, no initial values) is the same for everyone: its markup built once per language.
        context["fields"] = form.as_div() if form.is_bound else once.remembered("login.fields", form.as_div)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)  # logs in: the user_logged_in signal keeps a first language
        language = services.mail_preference(form.get_user()).language
        if language:
            set_language_cookie(response, language)
        return response


def switch_language(request):
    """Django's set_language; a logged-in person's choice is also kept for their mails."""
    response = set_language(request)
    chosen = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)  # set only for a supported language
    if chosen is not None and request.user.is_authenticated:
        services.remember_language(request.user, language=chosen.value)
    return response
