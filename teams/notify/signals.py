from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="notify.remember_login_language")
def remember_login_language(sender, request, user, **kwargs):
    # The language the login page was served in (LocaleMiddleware); absent for a login
    # without a real request (the test client's force_login): then nothing changes.
    language = getattr(request, "LANGUAGE_CODE", None)
    if language:
        services.remember_language(user, language=language, replace=False)
