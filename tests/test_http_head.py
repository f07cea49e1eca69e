"""A HEAD answers as the GET does, without the body (RFC 9110 9.3.2): link checkers, monitors and caches send
them. Through the site's ASGI handler (workspace/http.py): Django's test client drops a HEAD's body itself."""
import asyncio

import pytest

from teams.board.cards import create_card
from teams.board.models import Card, Column
from teams.discussion.models import Channel
from tests.asgi_helpers import request, session_cookie
from tests.board_helpers import make_cards
from tests.conftest import make_user
from workspace.http import PooledThreadASGIHandler

pytestmark = pytest.mark.django_db(transaction=True)

# What differs between any two answers to the same page: a new CSRF cookie each time.
PER_ANSWER = {"set-cookie"}


def pages(team, person, card):
    channel = Channel.objects.filter(team=team).first()
    return {
        "team page": f"/teams/{team.slug}/", "board": f"/teams/{team.slug}/board/",
        "card": f"/teams/{team.slug}/board/cards/{card.pk}/", "channel": f"/teams/{team.slug}/channels/{channel.pk}/",
        "desk": "/desk/", "review": "/review/", "directory": "/teams/", "my teams": "/my/", "my tasks": "/my/tasks/",
        "master plan": "/masterplan/", "search": "/search/", "people": "/people/",
        "person": f"/people/{person.username}/",
    }


def test_every_main_page_answers_a_head_as_its_get_without_the_body(client, people, team):
    column = Column.objects.filter(team=team).first()
    create_card(people["lead"], team, column=column, title="Consent forms")
    card = Card.objects.get(title="Consent forms")
    handler = PooledThreadASGIHandler()
    cookie = session_cookie(client, people["manager"])

    async def both(path, headers, query=b""):
        get = await request(handler, path, headers=headers, query=query)
        head = await request(handler, path, "HEAD", headers=headers, query=query)
        return get, head

    cases = {name: (path, [cookie], b"q=data" if name == "search" else b"")
             for name, path in pages(team, people["lead"], card).items()}
    cases["login"] = ("/login/", [], b"")
    for name, (path, headers, query) in cases.items():
        get, head = asyncio.run(both(path, headers, query))
        assert (get.status, head.status) == (200, 200), name
        assert get.body and head.body == b"", name
        assert int(head.headers["content-length"]) == len(get.body), name
        assert {k: v for k, v in head.headers.items() if k not in PER_ANSWER} \
            == {k: v for k, v in get.headers.items() if k not in PER_ANSWER}, name


def test_a_large_page_sends_no_byte_of_its_body_to_a_head(client, people, team):
    """Django's handler sends a body in 64 KB messages; daphne drops only the first to a HEAD."""
    make_cards(team, 200, people["lead"])
    cookie = session_cookie(client, people["lead"])
    handler = PooledThreadASGIHandler()
    get = asyncio.run(request(handler, f"/teams/{team.slug}/board/", headers=[cookie]))
    head = asyncio.run(request(handler, f"/teams/{team.slug}/board/", "HEAD", headers=[cookie]))
    assert get.messages > 1
    assert head.status == 200 and head.body == b"" and head.messages == 1
    assert int(head.headers["content-length"]) == len(get.body)


def test_a_head_of_a_page_that_refuses_is_the_same_refusal(client, people, team):
    handler = PooledThreadASGIHandler()
    cookie = session_cookie(client, people["outsider"])
    get = asyncio.run(request(handler, f"/teams/{team.slug}/board/", headers=[cookie]))
    head = asyncio.run(request(handler, f"/teams/{team.slug}/board/", "HEAD", headers=[cookie]))
    assert head.status == get.status != 200 and head.body == b""


def test_a_head_before_the_privacy_notice_is_sent_where_the_get_is(client):
    client.force_login(make_user("newcomer", acknowledged=False))
    assert client.head("/my/tasks/")["Location"] == client.get("/my/tasks/")["Location"] \
        == "/privacy/acknowledge/?next=%2Fmy%2Ftasks%2F"
