"""Hostile or broken outlets are refused with a reason on the outlet (or on
the entry they listed), and nothing is made from them."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from claims.models import Article, Outlet, OutletEntry, Source
from claims.monitoring import feeds, polling
from tests.monitoring.conftest import NewsSite, rss, stories
from tests.pages import Page

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://example.org/a</link></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&secret;</title><link>https://example.org/a</link></item></channel></rss>"""


def poll_once(site: NewsSite, body: bytes, content_type: str = "application/rss+xml") -> Outlet:
    site.server.routes["/feed"] = Page(body, content_type=content_type)
    outlet = Outlet.objects.watch(by=None, name="Hostile", url=site.server.url("/feed"))
    assert Outlet.objects.filter(pk=outlet.pk).lease(outlet.next_poll_at, timezone.now())
    polling.poll(outlet)
    outlet.refresh_from_db()
    return outlet


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_a_feed_declaring_entities_is_refused(news_site: NewsSite, body: bytes) -> None:
    outlet = poll_once(news_site, body)

    assert "declares a DTD or entities" in outlet.last_error
    assert outlet.failures == 1
    assert OutletEntry.objects.count() == 0


def test_malformed_xml_is_refused(news_site: NewsSite) -> None:
    outlet = poll_once(news_site, b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>cut')

    assert "not well-formed XML" in outlet.last_error
    assert Article.objects.count() == 0


def test_a_huge_feed_is_refused_unread(news_site: NewsSite, settings: Any) -> None:
    settings.FETCH_MAX_BYTES = 50_000
    huge = rss(news_site.server, stories(1)).replace(b"<channel>", b"<channel><!--" + b"x" * 60_000 + b"-->")

    outlet = poll_once(news_site, huge)

    assert "larger than the 50,000 bytes" in outlet.last_error
    assert OutletEntry.objects.count() == 0


def test_an_answer_that_is_no_feed_is_refused(news_site: NewsSite) -> None:
    outlet = poll_once(news_site, b"<html><body>Hello</body></html>", content_type="text/html")

    assert outlet.last_error.startswith("The link returned text/html, not one of the types asked for (")
    assert "application/rss+xml" in outlet.last_error


def test_links_to_private_addresses_are_skipped_with_the_reason(news_site: NewsSite) -> None:
    good = news_site.server.url("/news/story-1")
    news_site.list(stories(1))
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel>'
        b"<item><title>Intranet</title><link>http://10.0.0.5/admin</link></item>"
        b"<item><title>Metadata</title><link>http://169.254.169.254/latest/meta-data/</link></item>"
        b"<item><title>Long</title><link>https://news.example.org/" + b"a" * 2100 + b"</link></item>"
        b"<item><title>Fine</title><link>" + good.encode() + b"</link></item></channel></rss>"
    )

    outlet = poll_once(news_site, body)

    refused = {entry.url: entry.refusal for entry in OutletEntry.objects.filter(article=None)}
    assert refused["http://10.0.0.5/admin"].startswith("This address points inside a private network (10.0.0.5)")
    assert "private network (169.254.169.254)" in refused["http://169.254.169.254/latest/meta-data/"]
    assert "longer than 2000 characters" in refused[f"https://news.example.org/{'a' * 2100}"[:2000]]
    assert list(Source.objects.values_list("url", flat=True)) == [good]
    assert outlet.failures == 0
    assert outlet.last_error.startswith("3 links skipped")
    assert outlet.entries_seen == 4


def test_a_loopback_link_is_refused_when_loopback_is_not_allowed(settings: Any) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel>'
        b"<item><title>Local</title><link>http://127.0.0.1:6379/</link></item></channel></rss>"
    )
    _kind, [entry] = feeds.parse(body, "application/rss+xml", "https://news.example/feed")
    outlet = Outlet.objects.create(name="Example", url="https://news.example/feed")

    articles, refusals = polling._add_entries(outlet, [entry], inline=False)

    assert articles == []
    assert "private network (127.0.0.1)" in refusals[0]
    assert Article.objects.count() == 0


def test_a_feed_at_a_private_address_is_refused_before_any_connection(settings: Any) -> None:
    outlet = Outlet.objects.create(name="Intranet", url="http://10.1.2.3/feed")
    assert Outlet.objects.filter(pk=outlet.pk).lease(outlet.next_poll_at, timezone.now())

    polling.poll(outlet)

    outlet.refresh_from_db()
    assert "private network (10.1.2.3)" in outlet.last_error
    assert outlet.failures == 1


def test_entries_per_poll_are_capped_newest_first(news_site: NewsSite, settings: Any) -> None:
    settings.OUTLET_MAX_ENTRIES = 5
    listed = stories(12)

    kind, entries = feeds.parse(rss(news_site.server, listed), "application/rss+xml")

    assert kind == "feed"
    assert [e.title for e in entries] == [s.title for s in reversed(listed)][:5]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"items": []}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', "no list of items"),
        (b"{nope", "not valid JSON"),
        (b"<note><to>you</to></note>", "neither a feed"),
    ],
)
def test_what_is_not_a_feed_says_why(body: bytes, reason: str) -> None:
    with pytest.raises(feeds.FeedRefused, match=reason):
        feeds.parse(body, "application/json")
