"""The one interface of search: `query(user, text, …)` for the results page (and within a channel or a board),
`suggest(user, text)` for the header box. Both engines (engines.py) behind it, chosen by the database.

A search costs a constant number of statements whatever the data: the person's cluster roles and viewable
teams (teams.permissions, cached for the request), then one statement for the counts and one for the page
(`query`), or one for the suggestions (`suggest`). Hits carry what the pages show: the kind, the team (marked
when concluded or archived), the title and a snippet with the matching words in <mark> (escaped), the url.
"""
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import connection
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from teams.models import Team

from . import engines, links, snippets, sql, text
from .models import Kind
from .parse import Query, parse
from .sql import Filters

PER_PAGE = 20
PER_GROUP = 5
MAX_PAGE = 50  # deeper pages: narrow the search instead

# The groups results are shown in, in this order: key, heading, document kinds.
GROUPS = [
    ("teams", _("Topic teams"), [Kind.TEAM]),
    ("tasks", _("Tasks"), [Kind.CARD, Kind.COMMENT]),
    ("messages", _("Messages"), [Kind.MESSAGE]),
    ("outputs", _("Outputs and closing reports"), [Kind.OUTPUT, Kind.REPORT]),
    ("review", _("Review notes and minutes"), [Kind.NOTE, Kind.MEETING]),
    ("people", _("People"), [Kind.PERSON]),
]
GROUP_OF = {kind.value: key for key, _label, kinds in GROUPS for kind in kinds}
KINDS_OF = {key: [kind.value for kind in kinds] for key, _label, kinds in GROUPS}


@dataclass
class Hit:
    kind: str
    object_id: int
    url: str
    title: SafeString  # marked like the snippet; may be empty (a message, a comment, a note)
    snippet: SafeString
    created_at: datetime.datetime
    team: Team | None  # with name, slug, status, end date: its phase badge
    author: str
    context: str  # a message's channel, a comment's card

    @property
    def group(self) -> str:
        return GROUP_OF[self.kind]

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)


@dataclass
class Results:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # group → documents found (the kind filter left out)
    total: int = 0  # found with every filter: what the pages page through
    page: int = 1
    pages: int = 0

    @property
    def problem(self) -> str:
        return self.query.problem


def _date(value) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value) -> datetime.datetime:
    if isinstance(value, str):  # SQLite: Django stores UTC without an offset
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def _matcher(query: Query) -> Callable[[str], bool]:
    return text.matcher([word for term in query.positive for word in term.words if not term.prefix],
                        [term.words[0] for term in query.positive if term.prefix])


def _hit(row, matches: Callable[[str], bool]) -> Hit:
    (_id, kind, object_id, team_id, channel_id, parent_id, created_at, title, body, _score, slug, team_name,
     status, end_date, username, first_name, last_name, channel_name, card_title) = row[:19]
    team = Team(pk=team_id, slug=slug, name=team_name, status=status, end_date=_date(end_date),
                start_date=_date(end_date)) if slug else None
    author = "" if kind == Kind.PERSON else " ".join(filter(None, (first_name, last_name))) or username or ""
    return Hit(kind=kind, object_id=object_id, title=snippets.highlight(title, matches, window=40),
               url=links.url_for(kind, object_id=object_id, slug=slug, channel_id=channel_id, parent_id=parent_id,
                                 username=username),
               snippet=snippets.highlight(snippets.plain(body), matches), created_at=_moment(created_at),
               team=team, author=author,
               context=f"#{channel_name}" if channel_name else (card_title or ""))


def _match(parsed: Query, filters: Filters, readable: sql.Audience) -> engines.Match | None:
    if parsed:
        return engines.match(parsed.terms, narrow=readable.narrow)
    if filters.author or filters.channel or filters.board or filters.team:
        return engines.browse()  # no words, but a narrow enough filter: its documents, newest first
    return None


def _run(statement: tuple[str, list]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchall()


def query(user: User, typed: object, *, filters: Filters | None = None, page: int = 1,
          per_page: int = PER_PAGE, readable: sql.Audience | None = None) -> Results:
    """One page of what `user` may read (`readable`: their audience, if read already) that matches `typed`, best
    first, and the counts per group."""
    filters = filters or Filters()
    parsed = parse(typed)
    audience = readable or sql.audience(user)  # read once: the counts and the page ask the same
    match = _match(parsed, filters, audience)
    if match is None:
        return Results(parsed)
    parsed.problem = ""
    found = dict(_run(sql.counts_statement(match, audience, filters)))
    counts = {key: sum(found.get(kind, 0) for kind in kinds) for key, kinds in KINDS_OF.items()}
    total = sum(count for kind, count in found.items() if not filters.kinds or kind in filters.kinds)
    pages = min(max(1, -(-total // per_page)), MAX_PAGE)
    page = min(max(1, page), pages)
    rows = _run(sql.page_statement(match, audience, filters, limit=per_page, offset=(page - 1) * per_page))
    matches = _matcher(parsed)
    return Results(parsed, [_hit(row, matches) for row in rows], counts, total, page, pages)


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit]
    total: int


def suggest(user: User, typed: object, *, filters: Filters | None = None, per_group: int = PER_GROUP
            ) -> tuple[Query, list[Group]]:
    """While typing: the best few hits of each group (the last word is a prefix), and how many each has."""
    parsed = parse(typed, typing=True)
    if not parsed:
        return parsed, []
    audience = sql.audience(user)
    rows = _run(sql.suggestions_statement(engines.match(parsed.terms, narrow=audience.narrow), audience,
                                          filters or Filters(), groups=GROUP_OF, per_group=per_group))
    by_group: dict[str, Group] = {key: Group(key, str(label), [], 0) for key, label, _kinds in GROUPS}
    matches = _matcher(parsed)
    for row in rows:
        group = by_group[row[19]]
        group.hits.append(_hit(row, matches))
        group.total = row[20]
    return parsed, [group for group in by_group.values() if group.hits]
