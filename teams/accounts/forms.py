from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from teams.notify.services import language_of
from teams.text_input import UnicodeCharField, check_unicode

from .services import EMAIL_MAX, NAME_MAX


class NameForm(forms.Form):
    first_name = UnicodeCharField(label=_("First name"), max_length=NAME_MAX, required=False)
    last_name = UnicodeCharField(label=_("Last name"), max_length=NAME_MAX, required=False)


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=_("New e-mail address"), max_length=EMAIL_MAX, validators=[check_unicode])
    password = UnicodeCharField(label=_("Your current password"), max_length=4096, strip=False, secret=True,
                                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of pages and mails"), choices=settings.LANGUAGES)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, with the mail in the language of the person it goes to (and only to active people with a
    usable password, as Django's get_users already has it)."""

    email = forms.EmailField(label=_("E-mail address"), max_length=EMAIL_MAX, validators=[check_unicode],
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        with translation.override(language_of(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)
