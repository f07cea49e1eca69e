"""Requests straight to the site's ASGI handler (workspace/http.py), as daphne passes them: what the test client
hides (it drops a HEAD's body itself and never streams a request body) shows here."""
from dataclasses import dataclass

from asgiref.testing import ApplicationCommunicator


def scope(path, method="GET", headers=(), query=b""):
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
            "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80)}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    messages: int  # body messages sent


async def request(handler, path="/login/", method="GET", headers=(), chunks=(b"",), query=b"", ended=True):
    """Sends the body in `chunks` (the last one ends it, unless not `ended`: more is to come, and never comes) and
    returns the whole answer."""
    communicator = ApplicationCommunicator(handler, scope(path, method, headers, query))
    for n, chunk in enumerate(chunks):
        more = n < len(chunks) - 1 or not ended
        await communicator.send_input({"type": "http.request", "body": chunk, "more_body": more})
    start = await communicator.receive_output(10)
    body, messages = b"", 0
    while True:
        message = await communicator.receive_output(10)
        body += message.get("body", b"")
        messages += 1
        if not message.get("more_body"):
            break
    await communicator.wait(10)
    headers = {name.decode().lower(): value.decode("latin1") for name, value in start["headers"]}
    return Answer(start["status"], headers, body, messages)


def session_cookie(client, user) -> tuple[bytes, bytes]:
    client.force_login(user)
    return b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()
