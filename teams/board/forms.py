"""Forms of the board: the card dialog's (HTTP) and the WebSocket frames' (realtime/commands/board.py)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from teams import frame_fields as frames
from teams.forms import PlainTextField
from teams.widgets import NumberInput

from .labels import PALETTE
from .models import Card


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=10000, widget=forms.Textarea(
        attrs={"rows": 3, "aria-label": _("Comment"), "placeholder": _("Write a comment…")}),
                           help_text=_("Markdown; mention people with @username."))


class ChecklistItemForm(forms.Form):
    text = PlainTextField(label=_("New checklist item"), max_length=200, widget=forms.TextInput(
        attrs={"placeholder": _("New checklist item"), "aria-label": _("New checklist item")}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"aria-label": _("File")}))


class ColumnForm(forms.Form):
    name = PlainTextField(label=_("Name"), max_length=60)
    wip_limit = forms.IntegerField(label=_("WIP limit"), required=False, min_value=1, max_value=999, widget=NumberInput,
                                   help_text=_("Warn when the column holds more cards than this."))
    is_done = forms.BooleanField(label=_("Cards here are done"), required=False)
    enforce_wip = forms.BooleanField(label=_("Enforce the WIP limit"), required=False)


# WebSocket frames (the commands' schemas: docs/board.md) ---------------------------------------

class CardCreateFrame(forms.Form):
    column = frames.id_field()
    title = frames.PlainText(max_length=200)
    position = frames.ChoiceField(choices=[("top", "top"), ("bottom", "bottom")], required=False)


class CardMoveFrame(forms.Form):
    card = frames.id_field()
    column = frames.id_field()
    after = frames.id_field(required=False)  # null: at the top
    version = frames.IntegerField()


class CardRenameFrame(forms.Form):
    card = frames.id_field()
    title = frames.PlainText(max_length=200)
    version = frames.IntegerField()


class CardArchiveFrame(forms.Form):
    card = frames.id_field()
    version = frames.IntegerField()


class CardUpdateFrame(forms.Form):
    """One field of a card, and only that one: a partial update never resends (and so never wipes) the others."""
    FIELDS = ("title", "description", "due_date", "priority", "assignees", "labels", "goals")
    card = frames.id_field()
    version = frames.IntegerField()
    title = frames.PlainText(max_length=200, required=False)
    description = frames.TextField(max_length=20000, required=False, strip=False)
    due_date = frames.IsoDateField()  # null: no due date
    priority = frames.ChoiceField(choices=Card.Priority.choices, required=False)
    assignees = frames.IdListField()  # user ids
    labels = frames.IdListField(max_items=10)  # the team's label ids
    goals = frames.IdListField()  # strategic goal ids

    def clean(self):
        given = [field for field in self.FIELDS if field in self.data]
        if len(given) != 1:
            raise forms.ValidationError(_("Change exactly one field: one of %(fields)s.")
                                        % {"fields": ", ".join(self.FIELDS)})
        if given[0] in ("title", "priority") and not self.cleaned_data.get(given[0]):
            raise forms.ValidationError(_("%(field)s cannot be empty.") % {"field": given[0]})
        self.cleaned_data["field"] = given[0]
        return self.cleaned_data


class CardRestoreFrame(CardArchiveFrame):
    """Undo an archive: `version` is the archived card's (the card.archived event's)."""


class LabelCreateFrame(forms.Form):
    name = frames.PlainText(max_length=40)
    color = frames.ChoiceField(choices=[(key, key) for key in PALETTE])


class LabelUpdateFrame(LabelCreateFrame):
    label = frames.id_field()


class LabelDeleteFrame(forms.Form):
    label = frames.id_field()


class ChecklistCheckFrame(forms.Form):
    item = frames.id_field()
    done = frames.BooleanField()


class ColumnCreateFrame(forms.Form):
    name = frames.PlainText(max_length=60)
    wip_limit = frames.IntegerField(max_value=999, required=False)


class ColumnUpdateFrame(ColumnCreateFrame):
    column = frames.id_field()
    is_done = frames.BooleanField()
    enforce_wip = frames.BooleanField()  # refuse cards beyond the limit (false: warn only)

    def clean(self):
        if "enforce_wip" not in self.data:  # a client that does not know the setting leaves it as it is
            self.cleaned_data["enforce_wip"] = None
        return self.cleaned_data


class ColumnMoveFrame(forms.Form):
    column = frames.id_field()
    after = frames.id_field(required=False)  # null: first


class ColumnArchiveFrame(forms.Form):
    column = frames.id_field()
