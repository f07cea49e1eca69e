from django import forms
from django.utils.translation import gettext_lazy as _

from teams.forms import BoundedChoiceField, BoundedIdsMixin, BoundedMultipleChoiceField, GoalChoiceField, PlainTextField
from teams.models import StrategicGoal, Team
from teams.widgets import DateInput, DateTimeInput

from .models import Output, ReportExport, ReviewMeeting


class ReviewNoteForm(forms.Form):
    body = forms.CharField(label=_("Review note"), max_length=5000, strip=True,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Markdown. Visible to the team's members and cluster management."))
    meeting = BoundedChoiceField(label=_("From review meeting"), queryset=ReviewMeeting.objects.none(),
                                     required=False)

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.fields["meeting"].queryset = ReviewMeeting.objects.filter(teams=team)


class OutputForm(forms.Form):
    title = PlainTextField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Output.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Output.Status.choices, initial=Output.Status.PLANNED)
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)
    goals = GoalChoiceField(label=_("Strategic goals it serves"), queryset=StrategicGoal.objects.all(),
                            required=False, widget=forms.CheckboxSelectMultiple)

    MAX_FILE_BYTES = 20 * 1024 * 1024

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.fields["goals"].queryset = team.goals.all()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > self.MAX_FILE_BYTES:
            raise forms.ValidationError(_("A file may have at most 20 MB."))
        return upload


class OutputStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Output.Status.choices)


class ClosingReportForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("What did the team achieve? Markdown."))
    outputs = BoundedMultipleChoiceField(label=_("Outputs"), queryset=Output.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    goals_advanced = GoalChoiceField(label=_("Strategic goals advanced"), queryset=StrategicGoal.objects.none(),
                                     required=False, widget=forms.CheckboxSelectMultiple)
    lessons = forms.CharField(label=_("Lessons learned"), max_length=10000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outputs"].queryset = Output.objects.filter(team=team)
        self.fields["goals_advanced"].queryset = team.goals.all()


class TeamChoiceField(BoundedIdsMixin, forms.ModelMultipleChoiceField):
    def label_from_instance(self, team):
        return team.name


class MeetingForm(forms.Form):
    title = PlainTextField(label=_("Title"), max_length=200)
    scheduled_for = forms.DateTimeField(label=_("Date and time"),
                                        widget=DateTimeInput())
    teams = TeamChoiceField(label=_("Teams to review"), queryset=Team.objects.none(),
                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams if teams is not None else Team.objects.none()


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}),
                              help_text=_("Markdown."))


class ReportRequestForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ReportExport.Format.choices)
    team = forms.SlugField(required=False)
