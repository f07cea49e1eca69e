"""A team's discussion settings: who may notify everyone with @team (teams.permissions.may_mention_team)."""
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams import events
from teams.models import Event, Team
from teams.permissions import Action, lock_and_require, may_mention_team

from .models import DiscussionSettings


def settings_for(team: Team) -> DiscussionSettings:
    obj, _created = DiscussionSettings.objects.get_or_create(team=team)
    return obj


def may_notify_team(user: User, team: Team) -> bool:
    """Whether @team from this person notifies everyone: the team's setting decides."""
    return may_mention_team(user, team, policy=settings_for(team).team_mention)


@transaction.atomic
def update_settings(actor: User, team: Team, *, team_mention: str) -> Event:
    team = lock_and_require(actor, Action.EDIT, team)
    if team_mention not in DiscussionSettings.TeamMention.values:
        raise ValidationError({"team_mention": _("Unknown choice.")})
    obj = settings_for(team)
    obj.team_mention = team_mention
    obj.save(update_fields=["team_mention"])
    return events.record(team, "discussion.settings_changed", actor, {"team_mention": team_mention})
