"""The API's HTTP: problems for every error (404, 405, 415, 429, validation, unknown paths, never HTML), hostile
bodies refused with nothing written, ETag / If-None-Match → 304, and card updates with If-Match (412, 428)."""
import base64
import urllib.parse

import pytest

from teams.board.columns import update_column
from teams.board.models import Card, Column
from teams.discussion.models import Channel, Message
from teams.models import Event
from tests.api_helpers import call, problem, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert(people):
    return token_for(people["expert"])


@pytest.fixture
def card(team, expert, client):
    column = Column.objects.filter(team=team).order_by("rank").first()
    response = call(client, "post", f"/api/v1/teams/{team.slug}/cards/", expert, {"title": "Consent form",
                                                                                   "column": column.pk})
    assert response.status_code == 201, response.content
    return Card.objects.get(pk=response.json()["id"])


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v2/teams/", "/api/", "/api/v1/teams/no-such-team/",
                                  "/api/v1/teams/no-such-team/cards/"])
def test_unknown_things_are_404_problems(client, expert, path):
    response = call(client, "get", path, expert)
    assert response.status_code == 404 and problem(response)["code"] == "not_found"


def test_a_wrong_method_is_a_405_problem(client, expert, team):
    response = call(client, "delete", f"/api/v1/teams/{team.slug}/", expert)
    assert response.status_code == 405 and problem(response)["code"] == "method_not_allowed"


def test_a_body_that_is_not_json_is_a_415_problem(client, expert, team):
    response = client.post(f"/api/v1/teams/{team.slug}/cards/", {"title": "x"},
                           HTTP_AUTHORIZATION=f"Bearer {expert}")  # a form, not JSON
    assert response.status_code == 415 and problem(response)["code"] == "unsupported_media_type"


def test_the_rate_limit_is_a_429_problem_per_token(client, people, settings):
    settings.API_RATE = "3/minute"
    first, second = token_for(people["expert"]), token_for(people["lead"])
    codes = [call(client, "get", "/api/v1/masterplan/", first).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = call(client, "get", "/api/v1/masterplan/", first)
    assert problem(refused)["code"] == "rate_limited" and int(refused["Retry-After"]) > 0
    assert call(client, "get", "/api/v1/masterplan/", second).status_code == 200  # another token: its own count


HOSTILE = {
    "not json": ("{title: x", 400, "bad_json"),
    "a list": ('["title"]', 400, "bad_frame"),
    "wrong type": ({"title": 5, "column": 1}, 400, "invalid"),
    "title a list": ({"title": ["x"], "column": 1}, 400, "invalid"),
    "column a string": ({"title": "x", "column": "1"}, 400, "invalid"),
    "lone surrogate": ('{"title": "\\ud800", "column": 1}', 400, "invalid"),
    "surrogate key": ('{"\\udfff": 1, "title": "x"}', 400, "invalid"),
    "nested": ({"title": "x", "labels": [[[[[[[[[["deep"]]]]]]]]]]}, 400, "bad_frame"),
    "very deep": ("[" * 100_000 + "]" * 100_000, 400, "bad_frame"),
    "huge": ({"title": "x" * 300_000}, 413, "too_large"),
    "long title": ({"title": "x" * 201, "column": 1}, 400, "invalid"),
    "null byte": ({"title": "a\x00b", "column": 1}, 400, "invalid"),
    # The card title's rules are the service's, the same as on the page and the socket.
    "markup in the title": ({"title": "API <b>bold</b>", "column": 1}, 400, "invalid"),
    "a line break in the title": ({"title": "two\nlines", "column": 1}, 400, "invalid"),
    "an invisible character in the title": ({"title": "Ada\u200bLovelace", "column": 1}, 400, "invalid"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_bodies_are_refused_and_nothing_is_written(client, expert, team, case):
    body, status, code = HOSTILE[case]
    if isinstance(body, dict) and body.get("column") == 1:
        body = {**body, "column": Column.objects.filter(team=team).first().pk}
    events = Event.objects.count()
    response = call(client, "post", f"/api/v1/teams/{team.slug}/cards/", expert, body)
    assert response.status_code == status, response.content[:300]
    found = problem(response)
    assert found["code"] == code
    assert Event.objects.count() == events and not Card.objects.exists()
    if code == "invalid" and case not in ("lone surrogate", "surrogate key"):
        assert found["errors"], "a validation problem names the fields"


def test_reads_carry_an_etag_and_answer_304(client, expert, team, card):
    url = f"/api/v1/teams/{team.slug}/cards/"
    first = call(client, "get", url, expert)
    assert first.status_code == 200 and first["ETag"]
    assert call(client, "get", url, expert, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    call(client, "patch", f"{url}{card.pk}/", expert, {"title": "Renamed"}, HTTP_IF_MATCH=f'"{card.version}"')
    changed = call(client, "get", url, expert, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_a_card_update_needs_its_version(client, expert, team, card):
    url = f"/api/v1/teams/{team.slug}/cards/{card.pk}/"
    read = call(client, "get", url, expert)
    assert read["ETag"] == f'"{card.version}"'
    missing = call(client, "patch", url, expert, {"title": "A"})
    assert missing.status_code == 428 and problem(missing)["code"] == "precondition_required"
    updated = call(client, "patch", url, expert, {"title": "A", "priority": "high"}, HTTP_IF_MATCH=read["ETag"])
    assert updated.status_code == 200 and updated.json()["title"] == "A" and updated.json()["priority"] == "high"
    assert updated["ETag"] == f'"{card.version + 1}"'
    events = Event.objects.count()
    stale = call(client, "patch", url, expert, {"title": "B"}, HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412 and problem(stale)["code"] == "stale"
    assert Card.objects.get(pk=card.pk).title == "A" and Event.objects.count() == events
    assert call(client, "patch", url, expert, {"title": "B"}, HTTP_IF_MATCH="garbage").status_code == 400


def test_a_move_and_an_archive_take_if_match_too(client, expert, team, card):
    done = Column.objects.filter(team=team, is_done=True).first()
    url = f"/api/v1/teams/{team.slug}/cards/{card.pk}/"
    assert call(client, "post", url + "move/", expert, {"column": done.pk}).status_code == 428
    moved = call(client, "post", url + "move/", expert, {"column": done.pk}, HTTP_IF_MATCH=f'"{card.version}"')
    assert moved.status_code == 200 and moved.json()["column"] == done.pk
    assert call(client, "post", url + "archive/", expert, HTTP_IF_MATCH=f'"{card.version}"').status_code == 412
    archived = call(client, "post", url + "archive/", expert, HTTP_IF_MATCH=moved["ETag"])
    assert archived.status_code == 204 and Card.objects.get(pk=card.pk).archived


def test_messages_post_edit_react_and_page_back(client, expert, team):
    channel = Channel.objects.filter(team=team).first()
    url = f"/api/v1/teams/{team.slug}/channels/{channel.pk}/messages/"
    ids = [call(client, "post", url, expert, {"body": f"hello {n}"}).json()["id"] for n in range(5)]
    page = call(client, "get", url + "?limit=2", expert).json()
    assert [m["id"] for m in page["results"]] == ids[:-3:-1]
    older = client.get(page["next"], HTTP_AUTHORIZATION=f"Bearer {expert}").json()
    assert [m["id"] for m in older["results"]] == ids[2:0:-1]
    message = f"/api/v1/teams/{team.slug}/messages/{ids[0]}/"
    assert call(client, "patch", message, expert, {"body": "edited"}).json()["body"] == "edited"
    reacted = call(client, "post", message + "reactions/", expert, {"emoji": "👍"}).json()
    assert reacted["reactions"] == [{"emoji": "👍", "count": 1, "mine": True}]
    assert call(client, "post", message + "reactions/", expert, {"emoji": "💩"}).status_code == 400
    assert Message.objects.get(pk=ids[0]).body == "edited"


def test_team_pages_follow_cursors_and_filters(client, expert, make_team, people):
    teams = [make_team(name=f"Team {n}") for n in range(5)]
    seen, url = [], "/api/v1/teams/?limit=2"
    while url:
        page = client.get(url, HTTP_AUTHORIZATION=f"Bearer {expert}").json()
        assert len(page["results"]) <= 2
        seen += [team["slug"] for team in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(team.slug for team in teams) and len(seen) == len(set(seen))
    only = call(client, "get", "/api/v1/teams/?q=Team 3", expert).json()["results"]
    assert [team["name"] for team in only] == ["Team 3"]
    assert call(client, "get", "/api/v1/teams/?goal=3a&field=LST&phase=active", expert).json()["results"]
    assert call(client, "get", "/api/v1/teams/?field=IC", expert).json()["results"] == []
    assert call(client, "get", "/api/v1/teams/?phase=concluded", expert).json()["results"] == []
    wrong = call(client, "get", "/api/v1/teams/?phase=sleeping", expert)
    assert wrong.status_code == 400 and "phase" in problem(wrong)["errors"]
    assert call(client, "get", "/api/v1/teams/?cursor=garbage", expert).status_code == 404


def test_problems_speak_the_askers_language(client, expert, team):
    response = call(client, "get", "/api/v1/teams/no-such-team/", expert, HTTP_ACCEPT_LANGUAGE="de")
    assert problem(response)["detail"] == "Dieses Team gibt es nicht."


def test_a_service_refusal_is_an_invalid_problem_naming_the_field(client, people, team):
    manager = token_for(people["manager"])
    response = call(client, "post", f"/api/v1/teams/{team.slug}/extend/", manager, {"end_date": "2000-01-01"})
    assert response.status_code == 400 and "end_date" in problem(response)["errors"]
    later = team.end_date.replace(year=team.end_date.year + 1).isoformat()
    extended = call(client, "post", f"/api/v1/teams/{team.slug}/extend/", manager, {"end_date": later})
    assert extended.status_code == 200 and extended.json()["event"]["event"] == "team.extended"


def test_invite_and_withdraw(client, people, team):
    lead = token_for(people["lead"])
    url = f"/api/v1/teams/{team.slug}/invitations/"
    made = call(client, "post", url, lead, {"emails": ["new@example.org"], "people": [people["outsider"].pk],
                                           "role": "expert", "message": "Welcome"})
    assert made.status_code == 201 and len(made.json()) == 2
    assert call(client, "post", url, lead, {"people": [999999], "role": "expert"}).status_code == 400
    listed = call(client, "get", url, lead).json()["results"]
    assert {i["email"] for i in listed} == {"new@example.org", ""}
    withdrawn = call(client, "delete", f"{url}{listed[0]['id']}/", lead)
    assert withdrawn.status_code == 200 and withdrawn.json()["event"]["event"] == "invitation.revoked"
    assert call(client, "delete", f"{url}{listed[0]['id']}/", lead).status_code == 400  # answered already


def test_checklist_and_comments(client, expert, team, card):
    url = f"/api/v1/teams/{team.slug}/cards/{card.pk}/"
    item = call(client, "post", url + "checklist/", expert, {"text": "Ask the DPO"}).json()
    assert call(client, "patch", f"{url}checklist/{item['id']}/", expert, {"done": True}).json()["done"] is True
    assert call(client, "patch", f"{url}checklist/{item['id']}/", expert, {"done": "yes"}).status_code == 400
    assert call(client, "delete", f"{url}checklist/{item['id']}/", expert).status_code == 204
    assert call(client, "get", url + "checklist/", expert).json()["results"] == []
    comment = call(client, "post", url + "comments/", expert, {"body": "Done by Friday"})
    assert comment.status_code == 201 and comment.json()["author"]["username"] == "expert"
    assert call(client, "get", url, expert).json()["comment_count"] == 1


@pytest.mark.parametrize("position", ["abc", "99999999999999999999999", "-1", "1e5", "\x00"])
def test_a_forged_cursor_is_a_problem_not_a_500(client, expert, team, position):
    cursor = base64.b64encode(urllib.parse.urlencode({"p": position, "o": "1", "r": "1"}).encode()).decode()
    for path in ("/api/v1/teams/", f"/api/v1/teams/{team.slug}/memberships/"):
        response = client.get(path, {"cursor": cursor}, HTTP_AUTHORIZATION=f"Bearer {expert}")
        assert response.status_code in (200, 404), response.content[:300]
        if response.status_code == 404:
            assert problem(response)["code"] == "not_found"


@pytest.mark.parametrize("big", ["99999999999999999999999", "9223372036854775808", "2147483648"])
def test_ids_beyond_the_columns_range_are_404(client, expert, team, card, big):
    t = f"/api/v1/teams/{team.slug}/"
    for path in (f"{t}cards/{big}/", f"{t}cards/{card.pk}/checklist/{big}/", f"{t}messages/{big}/",
                 f"{t}channels/{big}/messages/", f"{t}cards/{card.pk}/attachments/{big}/download/"):
        response = call(client, "get" if "checklist" not in path else "delete", path, expert)
        assert response.status_code == 404, (path, response.content[:200])


def test_options_and_head_answer_without_errors(client, expert, team, card):
    for path in (f"/api/v1/teams/{team.slug}/cards/", f"/api/v1/teams/{team.slug}/cards/{card.pk}/",
                 f"/api/v1/teams/{team.slug}/invitations/", "/api/v1/teams/", "/api/v1/search/"):
        assert call(client, "options", path, expert).status_code == 200
        assert call(client, "head", path, expert).status_code in (200, 403, 405)


def test_a_full_column_that_enforces_its_limit_is_a_409_problem(client, expert, people, team, card):
    """The board's `wip_limit` refusal over HTTP (the list of problems once failed on the new code: a 500)."""
    done = Column.objects.filter(team=team, is_done=True).first()
    update_column(people["lead"], done, name=done.name, wip_limit=1, enforce_wip=True)
    call(client, "post", f"/api/v1/teams/{team.slug}/cards/", expert, {"title": "Fills it", "column": done.pk})
    before = Event.objects.count()
    url = f"/api/v1/teams/{team.slug}/cards/{card.pk}/move/"
    refused = call(client, "post", url, expert, {"column": done.pk}, HTTP_IF_MATCH=f'"{card.version}"')
    assert refused.status_code == 409 and problem(refused)["code"] == "wip_limit"
    assert Event.objects.count() == before and Card.objects.get(pk=card.pk).column_id != done.pk
    codes = call(client, "get", "/api/v1/problems/", expert)
    assert codes.status_code == 200 and "wip_limit" in codes.content.decode()
