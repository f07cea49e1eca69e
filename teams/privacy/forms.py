from django import forms
from django.utils.translation import gettext_lazy as _

from teams.text_input import UnicodeCharField

from .models import MAX_NOTICE_LENGTH


class NoticeForm(forms.Form):
    text_de = UnicodeCharField(lines=True, label=_("Text in German (Markdown)"), max_length=MAX_NOTICE_LENGTH,
                               widget=forms.Textarea(attrs={"rows": 18, "lang": "de"}))
    text_en = UnicodeCharField(lines=True, label=_("Text in English (Markdown)"), max_length=MAX_NOTICE_LENGTH,
                               widget=forms.Textarea(attrs={"rows": 18, "lang": "en"}))
    ask_again = forms.BooleanField(required=False, label=_("People must acknowledge this version again"))


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
