"""A person's calendar (RFC 5545, written by the `icalendar` package): what they may see, in their language.

- due dates of the cards assigned to them (all-day), in the teams they are an active member of;
- the end dates of those teams (all-day);
- review meetings of the teams they may view (`viewable_teams`: the reviewing bodies see all) at their time;
- outputs of kind "event" with a date, in their teams (all-day).
A removed member's feed loses that team at once (the membership is read at every request). UIDs are stable
(`card-7@host`), so a calendar updates an entry instead of doubling it. A constant number of queries.
"""
import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from teams.board.models import Card
from teams.models import Membership, Team
from teams.notify.services import language_of
from teams.permissions import viewable_teams
from teams.review.models import Output, ReviewMeeting

PAST_DAYS = 90  # older entries are left out: a calendar needs the coming weeks, not the team's whole history


def site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def _entry(uid: str, summary: str, start: datetime.date | datetime.datetime | None, path: str,
           stamp: datetime.datetime) -> Event:
    if start is None:  # the queries leave out what has no date
        raise ValueError(f"{uid} has no date")
    entry = Event()
    entry.add("uid", f"{uid}@{urlsplit(site_url()).hostname or 'localhost'}")
    entry.add("dtstamp", stamp)
    entry.add("summary", summary)
    entry.add("dtstart", start)
    if not isinstance(start, datetime.datetime):
        entry.add("dtend", start + datetime.timedelta(days=1))  # an all-day entry ends the next day (exclusive)
    entry.add("url", site_url() + path)
    return entry


def my_team_ids(user: User):
    return Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values("team_id")


def build(user: User, now: datetime.datetime | None = None) -> bytes:
    now = now or timezone.now()
    since = timezone.localdate(now) - datetime.timedelta(days=PAST_DAYS)
    mine = my_team_ids(user)
    calendar = Calendar()
    calendar.add("prodid", "-//HealthCapital//Topic teams//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    with translation.override(language_of(user)):
        calendar.add("x-wr-calname", _("Topic teams: %(name)s") % {"name": user.get_full_name() or user.username})
        # Open cards only, as on My tasks: a done card's date is no longer a deadline, a concluded team's never is.
        cards = (Card.objects.filter(assignees=user, team_id__in=mine, archived=False, column__archived=False,
                                     column__is_done=False, due_date__gte=since)
                 .exclude(team__status__in=Team.CLOSED))
        for card in cards.select_related("team").order_by("due_date", "pk"):
            calendar.add_component(_entry(
                f"card-{card.pk}", _("Due: %(card)s (%(team)s)") % {"card": card.title, "team": card.team.name},
                card.due_date, reverse("board:card", args=[card.team.slug, card.pk]), now))
        for team in Team.objects.filter(pk__in=mine, end_date__gte=since).order_by("end_date", "pk"):
            calendar.add_component(_entry(f"team-end-{team.pk}", _("%(team)s ends") % {"team": team.name},
                                          team.end_date, reverse("teams:detail", args=[team.slug]), now))
        meetings = ReviewMeeting.objects.filter(teams__in=viewable_teams(user).values("pk"),
                                                scheduled_for__date__gte=since).distinct()
        for meeting in meetings.order_by("scheduled_for", "pk"):
            calendar.add_component(_entry(
                f"review-meeting-{meeting.pk}", _("Review meeting: %(title)s") % {"title": meeting.title},
                meeting.scheduled_for, reverse("review:meeting", args=[meeting.pk]), now))
        outputs = Output.objects.filter(kind=Output.Kind.EVENT, team_id__in=mine, date__gte=since)
        for output in outputs.select_related("team").order_by("date", "pk"):
            calendar.add_component(_entry(
                f"output-{output.pk}", _("Event: %(title)s (%(team)s)") % {"title": output.title,
                                                                         "team": output.team.name},
                output.date, reverse("review:outputs", args=[output.team.slug]), now))
    return calendar.to_ical()
