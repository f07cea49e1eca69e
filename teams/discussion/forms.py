"""Forms for the discussion: the pages' forms and the WebSocket frames' fields (same messages)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from teams.forms import PlainTextField

from .models import MAX_MESSAGE_LENGTH, DiscussionSettings, ThreadSubscription
from .services import REACTIONS

ID_ERRORS = {"invalid": _("Give an id (a whole number)."), "min_value": _("Give an id (a whole number).")}


def id_field(required=True):
    return forms.IntegerField(min_value=1, max_value=2**63 - 1, required=required, error_messages=ID_ERRORS)


class MessageField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_MESSAGE_LENGTH, strip=True, error_messages={
            "required": _("Write something first."),
            "max_length": _("A message has at most %(limit_value)d characters (this one has %(show_value)d)."),
        }, **kwargs)


class PostForm(forms.Form):
    channel = id_field()
    body = MessageField(widget=forms.Textarea(attrs={"rows": 2}))
    thread = id_field(required=False)


class EditForm(forms.Form):
    message = id_field()
    body = MessageField()


class MessageRefForm(forms.Form):
    message = id_field()


class ReactionForm(forms.Form):
    message = id_field()
    emoji = forms.ChoiceField(choices=[(e, e) for e in REACTIONS],
                              error_messages={"invalid_choice": _("Choose one of the offered reactions.")})


class ReadForm(forms.Form):
    channel = id_field()
    message = id_field()


class FollowForm(forms.Form):
    message = id_field()
    state = forms.ChoiceField(choices=[("", "")] + list(ThreadSubscription.State.choices), required=False,
                              error_messages={"invalid_choice": _("Choose follow, mute or neither.")})


class ChannelForm(forms.Form):
    name = PlainTextField(label=_("Name"), max_length=60)
    topic = PlainTextField(label=_("Topic"), max_length=300, required=False)
    card = forms.IntegerField(label=_("Task number (optional)"), min_value=1, max_value=2**63 - 1, required=False)


class SettingsForm(forms.Form):
    team_mention = forms.ChoiceField(label=_("Who may notify everyone with @team"),
                                     choices=DiscussionSettings.TeamMention.choices)


class TypingForm(forms.Form):
    channel = id_field()
    thread = id_field(required=False)
