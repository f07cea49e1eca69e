"""The raw floor of the FANOUT table: a `websockets` broadcast server, nothing else.

`python bench/rawws.py PORT` serves the protocol subset bench/wsload.py speaks, on any path:
`{"type":"resume"}` → `{"type":"resumed","seq":…}`; `{"type":"message.post",…}` → the same
`message.posted` event frame the workspace sends (same fields, similar size: `event_frame`) to every
resumed client, with `websockets.broadcast` (one synchronous write per connection), then the ack
to its sender. No checks, no log, no persistence, no channel layer: what the client library and
asyncio cost on this machine. bench/barechannels.py builds its frames here too.
"""
import asyncio
import datetime
import html
import json
import sys

from websockets.asyncio.server import broadcast, serve

# A seeded bench member's display name: the workspace's frames carry the author's name.
AUTHOR_NAME = "Bench 0001"


def dumps(frame: dict) -> str:
    return json.dumps(frame, separators=(",", ":"))


def event_frame(seq: int, post: dict) -> str:
    """The workspace's `message.posted` frame (teams.discussion.messages.message_data, Event.as_frame)."""
    now = datetime.datetime.now(datetime.UTC).isoformat()
    body = str(post.get("body", ""))
    data = {"channel": post.get("channel"), "message": seq, "thread": None, "author": 1, "author_name": AUTHOR_NAME,
            "body": body, "html": f"<p>{html.escape(body)}</p>", "mentions": [], "team_mention": False,
            "created_at": now, "edited_at": None}
    return dumps({"type": "event", "seq": seq, "event": "message.posted", "data": data, "actor": 1, "at": now})


class Floor:
    def __init__(self) -> None:
        self.seq = 0
        self.resumed: set = set()

    async def handle(self, ws) -> None:
        try:
            async for text in ws:
                frame = json.loads(text)
                if frame.get("type") == "resume":
                    self.resumed.add(ws)
                    await ws.send(dumps({"type": "resumed", "seq": self.seq}))
                elif frame.get("type") == "message.post":
                    self.seq += 1
                    broadcast(self.resumed, event_frame(self.seq, frame))
                    await ws.send(dumps({"type": "ack", "id": frame.get("id"), "seq": self.seq}))
        finally:
            self.resumed.discard(ws)


async def main(port: int) -> None:
    floor = Floor()
    # As the load generator's client: no compression, no pings; a backlog for 500 connects at once.
    async with serve(floor.handle, "127.0.0.1", port, compression=None, ping_interval=None, max_size=2**22,
                     backlog=1024) as server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
