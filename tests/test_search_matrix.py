"""Who finds what: every role × every kind of content, over HTTP (the results page and the header's suggestions)
and through the interface, on the engine of the database the suite runs on (SQLite; PostgreSQL with DATABASE_URL).

A person finds exactly what the pages let them read (tests/matrix.py): a team's public card and people, everyone;
the board, the channels, outputs, the closing report and review notes, whoever may view the team; a review
meeting's minutes, whoever may view one of its teams. What they may not read is in no result, no count, no
snippet and no suggestion."""
import pytest

from teams.search.models import Kind
from teams.search.query import GROUP_OF, query
from tests.matrix import RULE_ALLOWED, RULES, VISITORS, may
from tests.search_helpers import WORDS, fill, kinds_found, suggested

PUBLIC = {Kind.TEAM, Kind.PERSON}


def may_find(role, kind):
    if kind in PUBLIC:
        return role != "anonymous"
    if kind == Kind.MEETING:
        return role != "anonymous" and RULE_ALLOWED[role][RULES.index("see_meeting")]
    return may(role, "view")


@pytest.mark.django_db
@pytest.mark.parametrize("role", VISITORS)
def test_each_role_finds_exactly_what_it_may_read(client, people, make_team, role):
    team, urls = fill(people, make_team)
    if role == "anonymous":
        response = client.get("/search/", {"q": WORDS[Kind.CARD]})
        assert response.status_code == 302 and response.url.startswith("/login/")
        assert client.get("/search/suggestions/", {"q": WORDS[Kind.CARD]}).status_code == 302
        return
    user = people[role]
    client.force_login(user)
    for kind in Kind:
        allowed, word = may_find(role, kind), WORDS[kind]
        page = client.get("/search/", {"q": word}).content.decode()
        assert (urls[kind] in page) == allowed, (role, kind, "results page")
        assert (f"<mark>{word}" in page.lower()) == allowed, (role, kind, "snippet")
        results = query(user, word)
        assert (results.total, results.counts[GROUP_OF[kind]]) == ((1, 1) if allowed else (0, 0)), (role, kind)
        assert kinds_found(user, word) == ([kind.value] if allowed else [])
        assert suggested(user, word[:-1]) == ([kind.value] if allowed else []), (role, kind, "while typing")
        suggestions = client.get("/search/suggestions/", {"q": word}).content.decode()
        assert (urls[kind] in suggestions) == allowed, (role, kind, "suggestions")
    assert team.status == "concluded"  # and its content is still found, marked as such:
    assert ("Concluded" in client.get("/search/", {"q": WORDS[Kind.TEAM]}).content.decode())
