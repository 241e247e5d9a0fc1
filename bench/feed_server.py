"""A local news network for bench/outlets_bench.py: OUTLETS outlets, each
with an RSS feed at /o/<i>/feed and its stories at /o/<i>/s/<name>.

Each outlet lists BACKLOG stories at once, then publishes one more every
3600 / PER_HOUR seconds (phased so the outlets take turns), for STREAM
seconds after the server starts. A story enters its feed when published:
its URL carries that moment (`?t=` epoch milliseconds), which is how the
benchmark measures the lag from publication to stored sentences and to
alerts. A feed answers 304 to its current ETag. Raw asyncio, so the server
is never the bottleneck.

A story is the sample article (tests/pages.py) with two paragraphs of
commentary of bench/data.py's, chosen by the story's name. With REPEATS (a
JSON list of sentences, each rewording a published verdict) one story in
EVERY, counted in the order the stories are published, also carries the
next of those sentences: its URL says which (`&r=` its index), so the
benchmark knows which alert each planted repeat must raise.

    python bench/feed_server.py PORT OUTLETS BACKLOG PER_HOUR STREAM PHASE [REPEATS EVERY]
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from email.utils import formatdate
from html import escape
from pathlib import Path
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data import Words
from tests.pages import article_html

PAGE = article_html()
TITLE = b"No Good or Bad Taliban for Us: Pakistan Army"
BYLINE = b'<p class="byline">By Reuters, 6 October 2016</p>'
COMMENTARY = Words(random.Random(13)).paragraphs
FEED_SIZE = 50  # stories a feed lists, newest first


class Network:
    def __init__(
        self, outlets: int, backlog: int, per_hour: float, stream: float, phase: str, repeats: list[str], every: int
    ) -> None:
        self.outlets, self.backlog, self.stream, self.phase = outlets, backlog, stream, phase
        self.repeats, self.every = repeats, every
        self.started = time.time()
        self.gap = 3600 / per_hour if per_hour else 0.0

    def planted(self, outlet: int, name: str) -> int | None:
        """The index of the repeat story `name` of `outlet` carries, if any:
        every EVERY-th story in publication order (the backlog first)."""
        if not self.repeats:
            return None
        story = name.partition("-")[2]  # "b<k>", listed at the start, or "<k>", published later
        if story.startswith("b"):
            order = int(story[1:]) * self.outlets + outlet
        else:
            order = (self.backlog + int(story)) * self.outlets + outlet
        index, rest = divmod(order, self.every)
        return index if not rest and index < len(self.repeats) else None

    def page(self, outlet: int, name: str, repeat: str | None) -> bytes:
        rng = random.Random(f"{outlet}/{name}")
        paragraphs = [escape(p) for p in rng.sample(COMMENTARY, 2)]
        if repeat is not None:
            paragraphs.insert(1, escape(self.repeats[int(repeat)]))
        extra = "".join(f"\n      <p>{p}</p>" for p in paragraphs).encode()
        return PAGE.replace(TITLE, f"Story {name} of outlet {outlet}".encode()).replace(BYLINE, BYLINE + extra)

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
            f"<link>http://127.0.0.1:{port}/o/{outlet}/s/{name}?t={int(at * 1000)}{self.mark(outlet, name)}</link>"
            f"<pubDate>{formatdate(at, usegmt=True)}</pubDate></item>"
            for name, at in reversed(stories)
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet {outlet}</title>{items}</channel></rss>'
        return body.encode(), f'"{self.phase}-{len(stories)}"'

    def mark(self, outlet: int, name: str) -> str:
        index = self.planted(outlet, name)
        return "" if index is None else f"&amp;r={index}"


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, network: Network, port: int) -> None:
    try:
        request = await reader.readuntil(b"\r\n\r\n")
        lines = request.decode("latin-1").split("\r\n")
        path, _, query = lines[0].split(" ", 2)[1].partition("?")
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
            body = network.page(int(parts[1]), parts[3], parse_qs(query).get("r", [None])[0])
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
    repeats, every = (json.loads(Path(sys.argv[7]).read_text()), int(sys.argv[8])) if len(sys.argv) > 8 else ([], 0)
    network = Network(int(outlets), int(backlog), float(per_hour), float(stream), phase, repeats, every)
    asyncio.run(main(int(port), network))
