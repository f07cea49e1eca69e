"""Calling the JSON API in tests: a token per person, and requests with it (JSON bodies, Bearer header)."""
import json

from teams.api.tokens import create_token


def token_for(user, scope="write", days=30):
    """A fresh token of `user`'s (its text)."""
    return create_token(user, name=f"test {scope}", scope=scope, days=days)[1]


def call(client, method, path, token=None, body=None, **headers):
    """One API request; `body` is sent as JSON (a str as it is: hostile bodies)."""
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    kwargs = {}
    if body is not None:
        kwargs = {"data": body if isinstance(body, (str, bytes)) else json.dumps(body),
                  "content_type": "application/json"}
    return getattr(client, method.lower())(path, **kwargs, **headers)


def problem(response):
    """The problem details of an error response (and that it is one)."""
    assert response["Content-Type"] == "application/problem+json", (response.status_code, response.content[:300])
    body = response.json()
    assert {"type", "title", "status", "detail", "instance", "code"} <= set(body)
    assert body["status"] == response.status_code
    return body
