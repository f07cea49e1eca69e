"""The statements of a search: the engine's match (engines.py), who may read what (the audience), the filters.

Every rule is a condition of the statement itself, so results, counts, snippets and suggestions hold only what
the person may read, and paging counts only that. The audience is the pages' own rule:
`teams.permissions.viewable_teams` (the reviewing bodies and cluster management: every team; a field-of-action
manager: the field's teams and their own; everyone else: their own teams), plus what is public (teams' public
cards, people), plus the review meetings of a viewable team (`can_see_meeting`): the documents' `audience`.
"""
import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from teams.board.models import Card
from teams.discussion.models import Channel, ChannelMember
from teams.models import FieldOfAction, StrategicGoal, Team
from teams.permissions import reads_every_team, viewable_teams
from teams.review.models import ReviewMeeting

from .engines import Match, documents_table
from .models import Document, Kind

# What the pages show of a hit: the document, its score, its team, its author, a message's channel, a comment's card.
COLUMNS = ["d.id", "d.kind", "d.object_id", "d.team_id", "d.channel_id", "d.parent_id", "d.created_at", "d.title",
           "d.body", "h.score", "t.slug", "t.name", "t.status", "t.end_date", "u.username", "u.first_name",
           "u.last_name", "ch.name", "c.title"]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@dataclass
class Filters:
    """Narrowing a search; each keeps only documents of its kind of thing (and the audience still applies)."""
    kinds: list[str] = field(default_factory=list)  # document kinds (models.Kind); none: all
    team: Team | None = None  # the team's documents, and its review meetings
    channel: Channel | None = None  # the messages of one channel
    board: Team | None = None  # the tasks and comments of one team's board
    author: User | None = None
    after: datetime.date | None = None  # from this day on (Berlin time)
    before: datetime.date | None = None  # up to and including this day
    field: FieldOfAction | None = None  # documents of the field's teams
    goal: StrategicGoal | None = None  # documents of the teams working on the goal


@dataclass
class Where:
    conditions: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)

    def add(self, condition: str, *params) -> None:
        self.conditions.append(condition)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(f"({condition})" for condition in self.conditions) or "1 = 1"


def _of_teams(teams_sql: str, params: list) -> tuple[str, list]:
    """Documents of these teams (`teams_sql`: what goes into IN (…)), and the review meetings about them."""
    return (f"d.team_id IN ({teams_sql}) OR (d.audience = %s AND d.object_id IN "
            f"(SELECT reviewmeeting_id FROM {_table(ReviewMeeting.teams.through)} WHERE team_id IN ({teams_sql})))",
            [*params, Document.MEETING, *params])


NARROW = 20  # teams: up to this many, the GIN index looks up the words in those teams' documents only


@dataclass
class Audience:
    """The condition of what a person may read (`audience(user)`), and whether it is narrow: a few teams' worth
    of documents, which the engine may read instead of looking up a prefix in everyone's (engines.py).

    Everything the condition depends on is in its text and parameters (ids, never the person's own id), so two
    people with the same audience read the same results: `variant` is what a cache of results is keyed by.
    `teams`: the viewable teams' ids (None: every team), for the filters' choices."""
    condition: str
    params: list
    narrow: bool = False
    teams: tuple[int, ...] | None = ()

    @property
    def variant(self) -> tuple:
        return self.condition, tuple(self.params)


def audience(user: User) -> Audience:
    """What `user` may read: `team_audience`, less the messages of private channels they are not in
    (teams/discussion/access.py: not even cluster management reads those). Their private channels are read
    here (one query) and named in the condition."""
    readable = team_audience(user)
    mine = sorted(ChannelMember.objects.filter(user_id=user.pk or 0).values_list("channel_id", flat=True))
    member = f" AND pc.id NOT IN ({', '.join(['%s'] * len(mine))})" if mine else ""
    private = (f"d.channel_id IS NULL OR d.channel_id NOT IN (SELECT pc.id FROM {_table(Channel)} pc WHERE "
               f"pc.private = %s{member})")
    return Audience(f"({readable.condition}) AND ({private})", [*readable.params, True, *mine],
                    narrow=readable.narrow, teams=readable.teams)


def team_audience(user: User) -> Audience:
    """What `user` may read of the teams. The team ids are read first (one query): a short list in the statement is what
    PostgreSQL's GIN index on (audience, vector) looks up with the words (a member of 5 teams reads 5 teams'
    postings, however common the words). A long list (a field's manager) is checked on what the words find
    instead (`+ 0`: not an index condition), as for whoever reads every team."""
    if not user.is_authenticated or not user.is_active:
        return Audience("1 = 0", [])
    if reads_every_team(user):
        return Audience("1 = 1", [], teams=None)
    ids = tuple(viewable_teams(user).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return Audience("d.audience = %s", [Document.PUBLIC], narrow=True)
    teams = ", ".join(["%s"] * len(ids))
    column = "d.audience" if len(ids) <= NARROW else "d.audience + 0"
    # One list for the index (the meetings' audience in it), the meetings' own teams checked on what it finds.
    return Audience(f"{column} IN (%s, %s, {teams}) AND (d.audience <> %s OR d.object_id IN (SELECT "
                    f"reviewmeeting_id FROM {_table(ReviewMeeting.teams.through)} WHERE team_id IN ({teams})))",
                    [Document.PUBLIC, Document.MEETING, *ids, Document.MEETING, *ids], narrow=len(ids) <= NARROW,
                    teams=ids)


def _day_start(day: datetime.date):
    moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return connection.ops.adapt_datetimefield_value(moment)


def narrowed(where: Where, filters: Filters, *, kinds: bool = True) -> Where:
    if kinds and filters.kinds:
        where.add(f"d.kind IN ({', '.join(['%s'] * len(filters.kinds))})", *filters.kinds)
    if filters.team is not None:
        where.add(*_flat(_of_teams("%s", [filters.team.pk])))
    if filters.channel is not None:
        where.add("d.kind = %s AND d.team_id = %s AND d.channel_id = %s", Kind.MESSAGE.value,
                  filters.channel.team_id, filters.channel.pk)
    if filters.board is not None:
        where.add("d.kind IN (%s, %s) AND d.team_id = %s", Kind.CARD.value, Kind.COMMENT.value, filters.board.pk)
    if filters.author is not None:
        where.add("d.author_id = %s AND d.kind <> %s", filters.author.pk, Kind.PERSON.value)
    if filters.after is not None:
        where.add("d.created_at >= %s", _day_start(filters.after))
    if filters.before is not None:
        where.add("d.created_at < %s", _day_start(filters.before + datetime.timedelta(days=1)))
    if filters.field is not None:
        through = _table(Team.fields_of_action.through)
        where.add(*_flat(_of_teams(f"SELECT team_id FROM {through} WHERE fieldofaction_id = %s", [filters.field.pk])))
    if filters.goal is not None:
        through = _table(Team.goals.through)
        where.add(*_flat(_of_teams(f"SELECT team_id FROM {through} WHERE strategicgoal_id = %s", [filters.goal.pk])))
    return where


def _flat(condition: tuple[str, list]) -> list:
    sql, params = condition
    return [sql, *params]


def hits(match: Match, readable: Audience, filters: Filters, *, scored: bool = True, kinds: bool = True
         ) -> tuple[str, list]:
    """The documents found that the person may read (`readable`), narrowed by `filters`: id, kind, created_at,
    score."""
    where = Where()
    where.add(match.condition, *match.condition_params)
    where.add(readable.condition, *readable.params)
    narrowed(where, filters, kinds=kinds)
    score, score_params = (match.score, match.score_params) if scored else ("0", [])
    return (f"SELECT d.id AS id, d.kind AS kind, d.created_at AS created_at, {score} AS score "
            f"FROM {match.source} WHERE {where.sql}", [*score_params, *where.params])


def _joined(inner: str) -> str:
    return (f"SELECT {', '.join(COLUMNS)} FROM ({inner}) h JOIN {documents_table()} d ON d.id = h.id "
            f"LEFT JOIN {_table(Team)} t ON t.id = d.team_id LEFT JOIN {_table(User)} u ON u.id = d.author_id "
            f"LEFT JOIN {_table(Channel)} ch ON d.kind = 'message' AND ch.id = d.channel_id "
            f"LEFT JOIN {_table(Card)} c ON d.kind = 'comment' AND c.id = d.parent_id")


ORDER = "score DESC, created_at DESC, id DESC"


def counts_statement(match: Match, readable: Audience, filters: Filters) -> tuple[str, list]:
    """How many documents of each kind (the kind filter left out: the page offers the other kinds with theirs)."""
    inner, params = hits(match, readable, filters, scored=False, kinds=False)
    return f"SELECT h.kind, COUNT(*) FROM ({inner}) h GROUP BY h.kind", params


def page_statement(match: Match, readable: Audience, filters: Filters, *, limit: int, offset: int
                   ) -> tuple[str, list]:
    inner, params = hits(match, readable, filters)
    statement = _joined(f"{inner} ORDER BY {ORDER} LIMIT %s OFFSET %s")
    return f"{statement} ORDER BY h.score DESC, h.created_at DESC, h.id DESC", [*params, limit, offset]


def suggestions_statement(match: Match, readable: Audience, filters: Filters, *, groups: dict[str, str],
                          per_group: int) -> tuple[str, list]:
    """The best `per_group` hits of each group (groups: document kind → group), with each group's total."""
    inner, params = hits(match, readable, filters)
    group = "CASE h.kind " + " ".join(f"WHEN '{kind}' THEN '{name}'" for kind, name in groups.items()) + " END"
    ranked = (f"SELECT h.id, h.kind, h.created_at, h.score, {group} AS grp, "
              f"ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY h.score DESC, h.created_at DESC, h.id DESC) AS n, "
              f"COUNT(*) OVER (PARTITION BY {group}) AS total FROM ({inner}) h")
    columns = ", ".join(COLUMNS)
    statement = _joined(f"SELECT * FROM ({ranked}) r WHERE r.n <= %s").replace(
        f"SELECT {columns}", f"SELECT {columns}, h.grp, h.total", 1)
    return f"{statement} ORDER BY h.grp, h.n", [*params, per_group]
