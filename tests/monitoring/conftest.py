"""Helpers of the outlets' tests: a local news site serving stories and the
outlet's feed in every format (RSS, Atom, JSON Feed, news sitemap), with
ETag and Last-Modified that a conditional GET is answered 304 to."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

import pytest

from tests.pages import Page, PageHandler, PageServer, article_html, serving

BASE_TIME = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Story:
    path: str
    title: str
    published: datetime


def stories(count: int, start: int = 1) -> list[Story]:
    return [
        Story(f"/news/story-{n}", f"Army briefing, part {n}", BASE_TIME + timedelta(minutes=n))
        for n in range(start, start + count)
    ]


def story_page(story: Story) -> bytes:
    """The demo article (its check-worthy sentences), under this story's title."""
    return article_html().replace(b"No Good or Bad Taliban for Us: Pakistan Army", story.title.encode())


def rss(server: PageServer, items: list[Story]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(s.title)}</title><link>{server.url(s.path)}</link>"
        f"<pubDate>{format_datetime(s.published)}</pubDate></item>"
        for s in items
    )
    channel = f"<channel><title>Sample Times</title>{entries}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def atom(server: PageServer, items: list[Story]) -> bytes:
    entries = "".join(
        f'<entry><title>{escape(s.title)}</title><link href="{server.url(s.path)}"/><id>{s.path}</id>'
        f"<updated>{s.published.isoformat()}</updated></entry>"
        for s in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Sample Times</title><id>urn:sample</id><updated>{BASE_TIME.isoformat()}</updated>{entries}</feed>"
    ).encode()


def json_feed(server: PageServer, items: list[Story]) -> bytes:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Sample Times",
        "items": [
            {"id": s.path, "url": server.url(s.path), "title": s.title, "date_published": s.published.isoformat()}
            for s in items
        ],
    }
    return json.dumps(feed).encode()


def news_sitemap(server: PageServer, items: list[Story]) -> bytes:
    urls = "".join(
        f"<url><loc>{server.url(s.path)}</loc><news:news><news:publication><news:name>Sample Times</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{s.published.isoformat()}</news:publication_date>"
        f"<news:title>{escape(s.title)}</news:title></news:news></url>"
        for s in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    ).encode()


FORMATS = {
    "rss": (rss, "application/rss+xml"),
    "atom": (atom, "application/atom+xml"),
    "json": (json_feed, "application/feed+json"),
    "sitemap": (news_sitemap, "application/xml"),
}


class NewsSite:
    """The server, the stories it lists, and its feed in `format`."""

    def __init__(self, server: PageServer) -> None:
        self.server = server
        self.listed: list[Story] = []
        self.format = "rss"
        self.version = 0
        server.routes["/feed"] = self._feed

    def list(self, items: list[Story], format: str = "rss") -> None:
        """The feed now lists `items` (a new version: a new ETag)."""
        self.listed, self.format = items, format
        self.version += 1
        for story in items:
            self.server.routes[story.path] = Page(story_page(story))

    @property
    def etag(self) -> str:
        return f'"v{self.version}"'

    @property
    def last_modified(self) -> str:
        return format_datetime(BASE_TIME + timedelta(hours=self.version), usegmt=True)

    def feed_requests(self) -> list[Any]:
        return [seen for seen in self.server.requests if seen.path == "/feed"]

    def _feed(self, handler: PageHandler) -> None:
        if handler.headers.get("If-None-Match") == self.etag:
            handler.send_page(Page(b"", status=304, headers=[("ETag", self.etag)]))
            return
        build, content_type = FORMATS[self.format]
        headers = [("ETag", self.etag), ("Last-Modified", self.last_modified)]
        handler.send_page(Page(build(self.server, self.listed), content_type=content_type, headers=headers))


@pytest.fixture
def news_site(settings: Any) -> Iterator[NewsSite]:
    settings.JOB_RETRY_BACKOFF = 0.01
    with serving(settings) as server:
        yield NewsSite(server)
