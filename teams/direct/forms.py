"""Forms of the direct-message pages (no-JavaScript fallbacks too) and the schemas of the socket's frames."""
from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from teams.discussion.forms import FrameMessageField, MessageField
from teams.discussion.reactions import REACTIONS
from teams.forms import BoundedMultipleChoiceField, PlainTextField

from .models import MAX_NAME_LENGTH


class StartForm(forms.Form):
    people = BoundedMultipleChoiceField(label=_("People"), queryset=User.objects.filter(is_active=True),
                                        error_messages={"required": _("Choose at least one person."),
                                                        "invalid_choice": _("Choose people from the list."),
                                                        "invalid_pk_value": _("Choose people from the list.")})
    name = PlainTextField(label=_("Name of the group (optional)"), max_length=MAX_NAME_LENGTH, required=False)


class BodyForm(forms.Form):
    body = MessageField(widget=forms.Textarea(attrs={"rows": 2}))


class ReactForm(forms.Form):
    emoji = forms.ChoiceField(choices=[(e, e) for e in REACTIONS],
                              error_messages={"invalid_choice": _("Choose one of the offered reactions.")})
    remove = forms.BooleanField(required=False)


# Frames (docs/realtime.md, "Direct messages"); dm.edit, dm.delete, dm.react and dm.read take the channels' schemas.
class PostFrame(forms.Form):
    body = FrameMessageField()
