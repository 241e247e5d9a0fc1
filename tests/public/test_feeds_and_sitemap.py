"""The RSS and Atom feeds (an item per published version, payloads escaped) and the sitemap of verdicts."""

from __future__ import annotations

import re
from typing import Any

import feedparser
import pytest
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.test import Client

from claims.public.sitemaps import sitemaps
from tests.public.conftest import PAYLOADS, SITE, correct, page_url, retract

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/verdicts/feed/", "/verdicts/atom/"])
def test_feeds_carry_an_item_per_published_version(url: str, publish: Any, client: Client, editor: Any) -> None:
    claim = correct(publish(rating="False"), editor, rating="Mostly false", note="Wrong total.")
    other = publish(rating="True")

    response = client.get(url)
    feed = feedparser.parse(response.content)

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version in ("rss20", "atom10")
    ids = [entry.id for entry in feed.entries]
    assert ids == [
        f"{SITE}/verdicts/{other.slug}/v/1/",
        f"{SITE}/verdicts/{claim.slug}/v/2/",
        f"{SITE}/verdicts/{claim.slug}/v/1/",
    ]
    assert feed.feed.link == f"{SITE}/verdicts/"
    assert any(link.get("rel") == "self" and link.href == f"{SITE}{url}" for link in feed.feed.links)
    correction = feed.entries[1]
    assert correction.title.startswith("Corrected: Mostly false:")
    assert correction.link == f"{SITE}{page_url(claim)}"
    assert "Wrong total." in correction.summary
    assert correction.published_parsed is not None


@pytest.mark.parametrize("url", ["/verdicts/feed/", "/verdicts/atom/"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_feeds_escape_payloads(url: str, payload: str, publish: Any, client: Client) -> None:
    claim = publish(text=f"Militants {payload} were killed", claimant=f"Spokesman {payload}")

    raw = client.get(url).content.decode()
    feed = feedparser.parse(raw)

    assert "<script" not in raw
    assert "<img" not in raw
    [entry] = feed.entries
    assert claim.text[:60] in entry.title
    # The description is HTML with the text escaped in it: a reader shows the
    # payload as text instead of running it.
    assert "&lt;" in entry.summary
    assert "<script" not in entry.summary
    assert "<img" not in entry.summary


def test_sitemap_lists_public_verdict_pages(publish: Any, client: Client, editor: Any) -> None:
    published = publish()
    retracted = retract(publish(), editor)

    index = client.get("/sitemap.xml")
    section = client.get("/sitemap-verdicts.xml")

    assert index.status_code == 200
    assert "/sitemap-verdicts.xml" in index.content.decode()
    xml = section.content.decode()
    assert f"<loc>{SITE}{page_url(published)}</loc>" in xml
    assert f"<loc>{SITE}{page_url(retracted)}</loc>" in xml
    assert "<lastmod>" in xml


def entries(xml: str) -> list[tuple[str, str]]:
    return re.findall(r"<loc>([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", xml)


@pytest.mark.parametrize("section", ["verdicts", "claimants"])
def test_a_section_says_what_djangos_sitemap_view_says(
    section: str, publish: Any, client: Client, editor: Any, rf: Any
) -> None:
    """The section is written in Python for speed (claims.public.sitemaps):
    the same entries, days and Last-Modified as Django's view and template."""
    publish(claimant="Lt Gen Asim Bajwa")
    publish(claimant="The minister")
    retract(publish(claimant="A senator"), editor)

    ours = client.get(f"/sitemap-{section}.xml")
    theirs = django_sitemap(rf.get(f"/sitemap-{section}.xml"), sitemaps=sitemaps, section=section)
    theirs.render()

    assert ours["Content-Type"].startswith("application/xml")
    assert entries(ours.content.decode()) == entries(theirs.content.decode())
    assert len(entries(ours.content.decode())) == (3 if section == "verdicts" else 2)
    assert ours["Last-Modified"] == theirs["Last-Modified"]
    assert ours["X-Robots-Tag"] == theirs["X-Robots-Tag"]


def test_a_section_past_its_pages_or_unknown_is_not_found(publish: Any, client: Client) -> None:
    publish()
    assert client.get("/sitemap-verdicts.xml?p=2").status_code == 404
    assert client.get("/sitemap-verdicts.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("section", ["verdicts", "claimants"])
def test_sections_split_every_entry_between_them_once(
    section: str, publish: Any, client: Client, monkeypatch: Any
) -> None:
    for n in range(5):
        publish(text=f"{300 + n} people were arrested.", claimant=f"Speaker {n}")
    monkeypatch.setattr(sitemaps[section], "limit", 2)
    index = client.get("/sitemap.xml").content.decode()
    pages = [client.get(f"/sitemap-{section}.xml?p={p}") for p in (1, 2, 3)]
    assert f"/sitemap-{section}.xml?p=3" in index
    assert f"/sitemap-{section}.xml?p=4" not in index
    listed = [entries(page.content.decode()) for page in pages]
    assert [len(entry) for entry in listed] == [2, 2, 1]
    assert len({loc for entry in listed for loc in entry}) == 5
    for p in ("4", "0", "-1", "1.5", "２"):
        assert client.get(f"/sitemap-{section}.xml", {"p": p}).status_code == 404, p
