"""Reading a watched outlet: its feed (RSS, Atom or JSON Feed) or its sitemap
(news sitemaps included), fetched through the guard with a conditional GET.

XML is parsed first by defusedxml, which refuses a DTD (and with it every
entity declaration: the "billion laughs" and external entities) and
malformed XML, with a reason people can read; only then does feedparser
read a feed's entries (it knows the dialects of RSS and Atom that a plain
XML parse does not), and defusedxml's ElementTree a sitemap's. JSON Feed is
JSON. Sizes are the guard's (FETCH_MAX_BYTES); entries read per poll are
capped at OUTLET_MAX_ENTRIES, newest first."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from claims.sources import guard

# What a feed or a sitemap is served as (some serve plain text).
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
        "text/plain",
    }
)
ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.1"
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
# An entry of RSS (0.9x, 1.0 and 2.0) and of Atom, in any namespace.
_ITEMS = frozenset({"item", "entry"})
# The elements one element of a feed may hold besides entries (an entry's or
# the channel's categories, links, authors): real feeds have a few dozen.
MAX_CHILDREN = 100


class FeedRefused(Exception):
    """The outlet answered, but with nothing we read: `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Entry:
    url: str
    title: str = ""
    published_at: datetime | None = None


@dataclass(frozen=True)
class Polled:
    """What one poll found: `not_modified` for a 304 (nothing else read)."""

    kind: str = ""
    entries: list[Entry] = field(default_factory=list)
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False


def read_outlet(url: str, *, etag: str = "", last_modified: str = "") -> Polled:
    """Fetch and parse the outlet at `url`, sending the validators of its last
    answer. Raises guard.BlockedURL, guard.FetchError or FeedRefused."""
    headers = {"accept": ACCEPT}
    # Sent back only if they can be: a validator that is not printable ASCII
    # (an outlet's to choose) would make the HTTP client refuse every poll.
    if _sendable(etag):
        headers["if-none-match"] = etag
    if _sendable(last_modified):
        headers["if-modified-since"] = last_modified
    try:
        fetched = guard.fetch(url, headers=headers, types=FEED_TYPES)
    except guard.FetchError as error:
        if error.status == 304:
            return Polled(etag=etag, last_modified=last_modified, not_modified=True)
        raise
    kind, entries = parse(fetched.body, fetched.content_type, fetched.final_url)
    if kind == "sitemapindex":
        kind, entries = "sitemap", _from_sitemaps(entries[: settings.OUTLET_SITEMAPS_PER_INDEX])
    return Polled(kind=kind, entries=entries, etag=fetched.etag, last_modified=fetched.last_modified)


def _sendable(validator: str) -> bool:
    return bool(validator) and validator.isascii() and validator.isprintable()


def _from_sitemaps(sitemaps: list[Entry]) -> list[Entry]:
    """The entries of an index's newest sitemaps, each fetched through the guard."""
    entries: list[Entry] = []
    for sitemap in sitemaps:
        fetched = guard.fetch(sitemap.url, headers={"accept": ACCEPT}, types=FEED_TYPES)
        kind, found = parse(fetched.body, fetched.content_type, fetched.final_url)
        if kind != "sitemap":
            raise FeedRefused(_("A sitemap index may list only sitemaps; %(url)s is not one.") % {"url": sitemap.url})
        entries += found
    return _newest_first(entries)


def parse(body: bytes, content_type: str, url: str = "") -> tuple[str, list[Entry]]:
    """("feed", "sitemap" or "sitemapindex", its entries (an index's: its
    sitemaps), newest first and at most OUTLET_MAX_ENTRIES)."""
    start = body.lstrip()[:1]
    if start in (b"{", b"["):
        kind, entries = "feed", _json_feed(body)
    else:
        root = _safe_xml(body)
        if root.tag in (f"{_SITEMAP}sitemapindex", "sitemapindex"):
            kind, entries = "sitemapindex", _sitemap(root, "sitemap")
        elif root.tag in (f"{_SITEMAP}urlset", "urlset"):
            kind, entries = "sitemap", _sitemap(root, "url")
        else:
            _refuse_long_feed(root)
            kind, entries = "feed", _xml_feed(body)
    # Relative links are the outlet's own.
    return kind, _newest_first([replace(entry, url=urljoin(url, entry.url)) for entry in entries if entry.url])


def _newest_first(entries: list[Entry]) -> list[Entry]:
    """At most OUTLET_MAX_ENTRIES; undated entries keep their order after the dated ones."""
    dated = sorted((e for e in entries if e.published_at), key=lambda e: e.published_at, reverse=True)  # type: ignore[arg-type, return-value]
    return (dated + [e for e in entries if not e.published_at])[: settings.OUTLET_MAX_ENTRIES]


def _safe_xml(body: bytes) -> Element:
    try:
        return fromstring(body, forbid_dtd=True)
    except DefusedXmlException as refused:
        raise FeedRefused(
            _(
                "The outlet's XML declares a DTD or entities (%(what)s), which are never read: they can expand "
                "a small file into gigabytes or reach other files."
            )
            % {"what": type(refused).__name__}
        ) from None
    except ParseError as bad:
        raise FeedRefused(_("The outlet's answer is not well-formed XML (%(error)s).") % {"error": bad}) from None


def _refuse_long_feed(root: Element) -> None:
    """Counted on the tree defusedxml made in a second, before feedparser
    spends the worker's time: it takes many seconds on a feed of 100,000
    entries, and minutes (its time grows with the square) on one entry or
    channel of 100,000 categories, links or authors."""
    limit = settings.OUTLET_MAX_FEED_ITEMS
    items = elements = 0
    for element in root.iter():
        elements += 1
        others = 0
        for child in element:
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] in _ITEMS:
                items += 1
            else:
                others += 1
        if others > MAX_CHILDREN:
            crowded = _("An element of the feed holds %(count)s others; a feed we read has at most %(limit)s in one.")
            raise FeedRefused(crowded % {"count": f"{others:,}", "limit": f"{MAX_CHILDREN:,}"})
    if items > limit:
        too_long = _("The feed lists %(count)s entries; a feed we read lists at most %(limit)s.")
        raise FeedRefused(too_long % {"count": f"{items:,}", "limit": f"{limit:,}"})
    if elements > limit * MAX_CHILDREN:
        too_big = _("The feed has %(count)s elements; a feed we read has at most %(limit)s.")
        raise FeedRefused(too_big % {"count": f"{elements:,}", "limit": f"{limit * MAX_CHILDREN:,}"})


def _xml_feed(body: bytes) -> list[Entry]:
    # A stream, never a string: feedparser fetches a string that looks like a URL.
    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version"):
        raise FeedRefused(_("The outlet's answer is XML but neither a feed (RSS or Atom) nor a sitemap."))
    return [
        Entry(
            url=str(item.get("link") or "").strip(),
            title=str(item.get("title") or "")[:300],
            published_at=_from_struct(item.get("published_parsed") or item.get("updated_parsed")),
        )
        for item in parsed.entries
    ]


def _json_feed(body: bytes) -> list[Entry]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as bad:
        raise FeedRefused(_("The outlet's answer is not valid JSON (%(error)s).") % {"error": bad}) from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise FeedRefused(_("The outlet's answer is JSON but not a JSON Feed (no jsonfeed.org version)."))
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedRefused(_("The JSON Feed has no list of items."))
    return [
        Entry(
            url=str(item.get("url") or item.get("external_url") or "").strip(),
            title=str(item.get("title") or "")[:300],
            published_at=_from_text(str(item.get("date_published") or item.get("date_modified") or "")),
        )
        for item in items
        if isinstance(item, dict)
    ]


def _sitemap(root: Element, child: str) -> list[Entry]:
    """The <url> entries of a sitemap (with their news title and date), or
    the <sitemap> entries of an index."""
    entries = []
    for item in root:
        if item.tag not in (f"{_SITEMAP}{child}", child):
            continue
        news = item.find(f"{_NEWS}news")
        title = news.findtext(f"{_NEWS}title", "") if news is not None else ""
        published = news.findtext(f"{_NEWS}publication_date", "") if news is not None else ""
        entries.append(
            Entry(
                url=(item.findtext(f"{_SITEMAP}loc") or item.findtext("loc") or "").strip(),
                title=title.strip()[:300],
                published_at=_from_text(published or item.findtext(f"{_SITEMAP}lastmod") or ""),
            )
        )
    return entries


def _from_struct(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _from_text(value: str) -> datetime | None:
    """ISO 8601 (a date alone is its midnight, UTC), or an RFC 2822 date."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value) or (parse_datetime(f"{value}T00:00:00") if len(value) == 10 else None)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
