"""Suggested experts: whom to invite to a team (or to a team being launched), ranked. The one place of the ranking.

A person's score is the sum of:
- KEYWORD_IN_GOAL (3) for each of their expertise keywords found in the title, English or German, of one of the
  team's strategic goals;
- KEYWORD_IN_TEXT (2) for each other keyword of theirs found in the team's name or purpose;
- SHARED_GOAL (2) for each of the team's strategic goals that a team they are or were in worked on;
- IN_FIELD (1) once, when they manage one of the team's fields of action or are or were in a team of one.

"Found" (`mentions`): a keyword of five or more characters anywhere in the text, so that "Pflege" finds
"Pflegekräfte" and "Daten" finds "Datenintegration"; a shorter one ("KI", "FHIR", "care") only as a whole word.
Teams count only when the viewer may view them (permissions.visible_memberships): the reasons name them, and
a suggestion must not reveal a membership the directory would not show. Never suggested: inactive people, the
team's members, the viewer, and whoever the caller excludes (at launch: the chosen lead, supporters, experts).
Ties go to the earlier account. A fixed number of queries, whatever the number of people, teams or keywords.
"""
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Q

from teams.models import FieldOfAction, Membership, Profile, StrategicGoal, Team

from .keywords import key_of
from .models import Expertise, Keyword
from .permissions import visible_memberships

KEYWORD_IN_GOAL = 3
KEYWORD_IN_TEXT = 2
SHARED_GOAL = 2
IN_FIELD = 1
WHOLE_WORD_BELOW = 5  # characters: shorter keywords match whole words only
LIMIT = 8


@dataclass
class Suggestion:
    user: User
    score: int = 0
    keywords: list[str] = field(default_factory=list)  # labels of the keywords that matched
    goals: list[str] = field(default_factory=list)  # codes of the team's goals their teams worked on
    teams: list[str] = field(default_factory=list)  # names of those teams (all viewable by the viewer)
    fields: list[FieldOfAction] = field(default_factory=list)  # the team's fields they manage or worked in

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username


def mentions(text: str, key: str) -> bool:
    """Whether normalised `text` (key_of) mentions the keyword `key` (see the module's docstring)."""
    if len(key) >= WHOLE_WORD_BELOW:
        return key in text
    return re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text) is not None


def _matched_keywords(goals: Sequence[StrategicGoal], text: str) -> dict[int, int]:
    """keyword id → points, for every keyword anyone holds that the goals (or else the text) mention."""
    goal_text = key_of(" | ".join(f"{goal.title_en} | {goal.title_de}" for goal in goals))
    text = key_of(text)
    points = {}
    for keyword_id, key in Keyword.objects.values_list("id", "key"):
        if goal_text and mentions(goal_text, key):
            points[keyword_id] = KEYWORD_IN_GOAL
        elif text and mentions(text, key):
            points[keyword_id] = KEYWORD_IN_TEXT
    return points


def _eligible(path: str, excluded: set[int], team: Team | None) -> Q:
    """People (reached through `path`, e.g. "profile__user") who may be suggested."""
    eligible = Q(**{f"{path}__is_active": True}) & ~Q(**{f"{path}__in": excluded})
    if team is not None:
        members = Membership.objects.filter(team=team, state=Membership.State.ACTIVE).values("user_id")
        eligible &= ~Q(**{f"{path}__in": members})
    return eligible


def suggest(viewer: User, *, goals: Iterable[StrategicGoal], fields: Iterable[FieldOfAction], text: str = "",
            team: Team | None = None, exclude: Iterable[int] = (), limit: int = LIMIT) -> list[Suggestion]:
    """The best `limit` people for a team with these goals, fields of action and name/purpose `text`, ranked."""
    goals, fields = list(goals), list(fields)
    excluded = {*exclude, viewer.pk}
    found: dict[int, Suggestion] = {}

    def candidate(user_id: int) -> Suggestion:
        return found.setdefault(user_id, Suggestion(user=User(pk=user_id)))

    points = _matched_keywords(goals, text)
    held = (Expertise.objects.filter(_eligible("profile__user", excluded, team), keyword_id__in=list(points))
            .order_by("position").values_list("profile__user_id", "keyword_id", "keyword__label"))
    for user_id, keyword_id, label in held:
        suggestion = candidate(user_id)
        suggestion.score += points[keyword_id]
        suggestion.keywords.append(label)

    teams = visible_memberships(viewer).filter(_eligible("user", excluded, team))
    if team is not None:
        teams = teams.exclude(team=team)
    if goals:
        for user_id, code, name in teams.filter(team__goals__in=goals).values_list(
                "user_id", "team__goals__code", "team__name"):
            suggestion = candidate(user_id)
            if code not in suggestion.goals:
                suggestion.score += SHARED_GOAL
                suggestion.goals.append(code)
            if name not in suggestion.teams:
                suggestion.teams.append(name)
    if fields:
        managers = Profile.fields_of_action.through.objects.filter(
            _eligible("profile__user", excluded, team), fieldofaction__in=fields).values_list(
            "profile__user_id", "fieldofaction__code")
        worked = teams.filter(team__fields_of_action__in=fields).values_list("user_id", "team__fields_of_action__code")
        by_code = {field.code: field for field in fields}
        for user_id, code in [*managers, *worked]:
            suggestion = candidate(user_id)
            if not suggestion.fields:
                suggestion.score += IN_FIELD
            if by_code[code] not in suggestion.fields:
                suggestion.fields.append(by_code[code])

    ranked = sorted(found.values(), key=lambda s: (-s.score, s.user.pk))[:limit]
    users = User.objects.select_related("profile__organisation").in_bulk([s.user.pk for s in ranked])
    for suggestion in ranked:
        suggestion.user = users[suggestion.user.pk]
        suggestion.goals.sort()
        suggestion.teams.sort(key=str.casefold)
    return ranked


def suggest_for_team(viewer: User, team: Team, limit: int = LIMIT) -> list[Suggestion]:
    """Suggestions for an existing team: its goals, fields, name and purpose; its members left out."""
    return suggest(viewer, goals=team.goals.all(), fields=team.fields_of_action.all(),
                   text=f"{team.name}\n{team.purpose}", team=team, limit=limit)
