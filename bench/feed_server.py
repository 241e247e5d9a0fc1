"""A local news network for bench/outlets_bench.py: OUTLETS outlets, each
with an RSS feed at /o/<i>/feed and its stories at /o/<i>/s/<name>.

Each outlet lists BACKLOG stories at once, then publishes one more every
3600 / PER_HOUR seconds (phased so the outlets take turns), for STREAM
seconds after the server starts. A story enters its feed when published:
its URL carries that moment (`?t=` epoch milliseconds), which is how the
benchmark measures the lag from publication to stored sentences. A feed
answers 304 to its current ETag. Raw asyncio, so the server is never the
bottleneck.

    python bench/feed_server.py PORT OUTLETS BACKLOG PER_HOUR STREAM PHASE
"""

from __future__ import annotations

import asyncio
import sys
import time
from email.utils import formatdate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.pages import article_html

PAGE = article_html()
TITLE = b"No Good or Bad Taliban for Us: Pakistan Army"
FEED_SIZE = 50  # stories a feed lists, newest first


class Network:
    def __init__(self, outlets: int, backlog: int, per_hour: float, stream: float, phase: str) -> None:
        self.outlets, self.backlog, self.stream, self.phase = outlets, backlog, stream, phase
        self.started = time.time()
        self.gap = 3600 / per_hour if per_hour else 0.0

    def published(self, outlet: int, now: float) -> list[tuple[str, float]]:
        """The stories of `outlet` out by `now`: (name, publication time), oldest first."""
        stories = [(f"{self.phase}-b{k}", self.started) for k in range(self.backlog)]
        if self.gap:
            first = self.started + self.gap * outlet / self.outlets
            end = min(now, self.started + self.stream)
            count = max(0, int((end - first) // self.gap) + 1) if end >= first else 0
            stories += [(f"{self.phase}-{k}", first + k * self.gap) for k in range(count)]
        return stories

    def feed(self, outlet: int, port: int) -> tuple[bytes, str]:
        stories = self.published(outlet, time.time())[-FEED_SIZE:]
        items = "".join(
            f"<item><title>Story {name} of outlet {outlet}</title>"
            f"<link>http://127.0.0.1:{port}/o/{outlet}/s/{name}?t={int(at * 1000)}</link>"
            f"<pubDate>{formatdate(at, usegmt=True)}</pubDate></item>"
            for name, at in reversed(stories)
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet {outlet}</title>{items}</channel></rss>'
        return body.encode(), f'"{self.phase}-{len(stories)}"'


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, network: Network, port: int) -> None:
    try:
        request = await reader.readuntil(b"\r\n\r\n")
        lines = request.decode("latin-1").split("\r\n")
        path = lines[0].split(" ", 2)[1].split("?", 1)[0]
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        parts = path.strip("/").split("/")
        status, content_type, body, extra = "404 Not Found", "text/plain", b"not here", ""
        if len(parts) == 3 and parts[0] == "o" and parts[2] == "feed":
            body, etag = network.feed(int(parts[1]), port)
            if headers.get("if-none-match") == etag:
                status, body = "304 Not Modified", b""
            else:
                status, content_type = "200 OK", "application/rss+xml"
            extra = f"ETag: {etag}\r\n"
        elif len(parts) == 4 and parts[0] == "o" and parts[2] == "s":
            status, content_type = "200 OK", "text/html; charset=utf-8"
            body = PAGE.replace(TITLE, f"Story {parts[3]} of outlet {parts[1]}".encode())
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nConnection: close\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
        pass
    finally:
        writer.close()


async def main(port: int, network: Network) -> None:
    server = await asyncio.start_server(lambda r, w: handle(r, w, network, port), "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    port, outlets, backlog, per_hour, stream, phase = sys.argv[1:7]
    asyncio.run(main(int(port), Network(int(outlets), int(backlog), float(per_hour), float(stream), phase)))
