"""Forms for the discussion: the pages' forms (HTTP) and the WebSocket frames' schemas (same messages)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from teams import frame_fields as frames
from teams.forms import PlainTextField

from .models import MAX_MESSAGE_LENGTH, DiscussionSettings, ThreadSubscription
from .reactions import REACTIONS


class MessageField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_MESSAGE_LENGTH, strip=True, error_messages={
            "required": _("Write something first."),
            "max_length": _("A message has at most %(limit_value)d characters (this one has %(show_value)d)."),
        }, **kwargs)


class FrameMessageField(frames.JsonTypeMixin, MessageField):
    pass


# Pages (no-JavaScript fallbacks) -----------------------------------------------------------

class PostForm(forms.Form):
    body = MessageField(widget=forms.Textarea(attrs={"rows": 2}))
    thread = forms.IntegerField(min_value=1, max_value=frames.MAX_ID, required=False,
                                error_messages={"invalid": frames.ID_MESSAGE, "min_value": frames.ID_MESSAGE})


class FilePostForm(PostForm):
    """A post with files (the files come from request.FILES): the text may be empty."""
    body = MessageField(required=False)
class MemberIdsField(forms.TypedMultipleChoiceField):
    """Team members' user ids from checkboxes: any whole numbers here; the service checks they are members."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, required=False, **kwargs)

    def valid_value(self, value):
        return isinstance(value, str) and value.isdigit() and 0 < int(value) <= frames.MAX_ID


class ChannelForm(forms.Form):
    name = PlainTextField(label=_("Name"), max_length=60)
    topic = PlainTextField(label=_("Topic"), max_length=300, required=False)
    card = forms.IntegerField(label=_("Task number (optional)"), min_value=1, max_value=frames.MAX_ID, required=False)
    private = forms.BooleanField(label=_("Private: only the members I choose"), required=False)
    members = MemberIdsField(label=_("Members"))


class ChannelEditForm(forms.Form):
    name = PlainTextField(label=_("Name"), max_length=60)
    topic = PlainTextField(label=_("Topic"), max_length=300, required=False)


class ChannelMembersForm(forms.Form):
    add = MemberIdsField(label=_("Add"))
    remove = MemberIdsField(label=_("Remove"))


class SettingsForm(forms.Form):
    team_mention = forms.ChoiceField(label=_("Who may notify everyone with @team"),
                                     choices=DiscussionSettings.TeamMention.choices)


# WebSocket frames (the commands' schemas: docs/realtime.md) ------------------------------

class PostFrame(forms.Form):
    channel = frames.id_field()
    body = FrameMessageField()
    thread = frames.id_field(required=False)


class EditFrame(forms.Form):
    message = frames.id_field()
    body = FrameMessageField()


class MessageRefFrame(forms.Form):
    message = frames.id_field()


class ReactionFrame(forms.Form):
    message = frames.id_field()
    emoji = frames.ChoiceField(choices=[(e, e) for e in REACTIONS],
                               error_messages={"invalid_choice": _("Choose one of the offered reactions.")})


class ReadFrame(forms.Form):
    channel = frames.id_field()
    message = frames.id_field()


class FollowFrame(forms.Form):
    message = frames.id_field()
    state = frames.ChoiceField(choices=[("", "")] + list(ThreadSubscription.State.choices), required=False,
                               error_messages={"invalid_choice": _("Choose follow, mute or neither.")})


class ChannelFrame(forms.Form):
    name = frames.PlainText(max_length=60)
    topic = frames.PlainText(max_length=300, required=False)
    card = frames.id_field(required=False)
    private = frames.BooleanField()
    members = frames.IdListField()


class ChannelUpdateFrame(forms.Form):
    """Missing (or null) name or topic: unchanged."""
    channel = frames.id_field()
    name = frames.PlainText(max_length=60, required=False)
    topic = frames.PlainText(max_length=300, required=False)

    def clean(self):
        data = super().clean()
        for field in ("name", "topic"):
            if self.data.get(field) is None:
                data[field] = None
        return data


class ChannelArchiveFrame(forms.Form):
    channel = frames.id_field()
    archived = frames.BooleanField()


class ChannelMembersFrame(forms.Form):
    channel = frames.id_field()
    add = frames.IdListField()
    remove = frames.IdListField()


class TypingFrame(forms.Form):
    channel = frames.id_field()
    thread = frames.id_field(required=False)
