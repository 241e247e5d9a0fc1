"""Polling an outlet: each new entry becomes one article, fetched, extracted
and spotted; an unchanged feed costs a 304; a failing outlet backs off and is
flagged; the beat never takes one outlet twice."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from claims.models import Article, NewsSentence, Outlet, OutletEntry, Source
from claims.monitoring import polling
from claims.monitoring.news import Spotted, store_spotted
from claims.monitoring.tasks import poll_outlet
from tests.monitoring.conftest import FORMATS, NewsSite, news_sitemap, stories
from tests.pages import Page

pytestmark = pytest.mark.django_db


def poll_sync() -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("poll_outlets", "--sync", stdout=out, stderr=io.StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def watch(site: NewsSite, **fields: Any) -> Outlet:
    return Outlet.objects.watch(by=None, name="Sample Times", url=site.server.url("/feed"), **fields)


@pytest.mark.parametrize("format", list(FORMATS))
def test_new_entries_become_articles_fetched_extracted_and_spotted(news_site: NewsSite, format: str) -> None:
    news_site.list(stories(3), format=format)
    outlet = watch(news_site)

    lines = poll_sync()

    urls = {news_site.server.url(f"/news/story-{n}") for n in (1, 2, 3)}
    assert {line["url"] for line in lines if line["kind"] == "article"} == urls
    candidates = [line for line in lines if line["kind"] == "candidate"]
    assert any("309 people" in line["sentence"] for line in candidates)
    assert all(line["score"] >= 50 for line in candidates)
    articles = Article.objects.filter(url__in=urls)
    assert {a.title for a in articles} == {f"Army briefing, part {n}" for n in (1, 2, 3)}
    assert {a.outlet for a in articles} == {"Sample Times"}
    assert {a.source.status for a in articles} == {Source.Status.FETCHED}
    assert all("309 people" in a.body for a in articles)
    stored = NewsSentence.objects.filter(outlet=outlet)
    assert stored.count() == len(candidates)
    assert {s.article.url for s in stored} == urls
    outlet.refresh_from_db()
    assert outlet.kind == ("sitemap" if format == "sitemap" else "feed")
    assert outlet.entries_seen == 3
    assert outlet.failures == 0
    assert outlet.last_error == ""


def test_a_poll_that_sees_an_entry_again_makes_nothing_new(news_site: NewsSite) -> None:
    news_site.list(stories(2))
    watch(news_site)
    poll_sync()
    news_site.list(stories(3))  # one more story, a new ETag

    lines = poll_sync()

    assert [line["url"] for line in lines if line["kind"] == "article"] == [news_site.server.url("/news/story-3")]
    assert Article.objects.count() == 3
    assert OutletEntry.objects.count() == 3
    assert NewsSentence.objects.values("article").distinct().count() == 3


def test_an_unchanged_feed_costs_a_304_and_nothing_else(news_site: NewsSite) -> None:
    news_site.list(stories(2))
    outlet = watch(news_site)
    poll_sync()
    outlet.refresh_from_db()
    assert outlet.etag == news_site.etag
    assert outlet.last_modified == news_site.last_modified
    before = len(news_site.server.requests)

    assert poll_sync() == []

    second = news_site.server.requests[before:]
    assert [seen.path for seen in second] == ["/feed"]  # no story fetched again
    assert second[0].headers["if-none-match"] == news_site.etag
    assert second[0].headers["if-modified-since"] == news_site.last_modified
    assert Article.objects.count() == 2
    outlet.refresh_from_db()
    assert outlet.entries_seen == 2
    assert outlet.failures == 0
    assert outlet.next_poll_at > timezone.now() + timedelta(minutes=14)


def test_a_failing_outlet_backs_off_then_is_flagged_and_not_polled(news_site: NewsSite, settings: Any) -> None:
    settings.OUTLET_FLAG_AFTER = 3
    news_site.server.routes["/feed"] = Page(b"down", status=503, content_type="text/plain")
    outlet = watch(news_site, every=10)
    waits = []
    for _ in range(3):
        started = timezone.now()
        poll_sync()
        outlet.refresh_from_db()
        waits.append(outlet.next_poll_at - started)

    assert waits[0] < waits[1] < waits[2]
    assert waits[0] >= timedelta(minutes=20)
    assert outlet.failures == 3
    assert "HTTP 503" in outlet.last_error
    assert outlet.flagged_at is not None
    polls = len(news_site.feed_requests())
    later = timezone.now() + timedelta(days=30)
    assert Outlet.objects.take_due(later, 10) == []
    poll_sync()
    assert len(news_site.feed_requests()) == polls

    outlet.resume()
    assert Outlet.objects.take_due(timezone.now(), 10) == [outlet.pk]
    assert outlet.failures == 0


def test_the_backoff_is_capped(news_site: NewsSite, settings: Any) -> None:
    settings.OUTLET_FLAG_AFTER = 50
    settings.OUTLET_MAX_BACKOFF = 120
    news_site.server.routes["/feed"] = Page(b"down", status=500, content_type="text/plain")
    outlet = watch(news_site, every=60)
    for _ in range(6):
        outlet.record_failure("down")
    assert outlet.next_poll_at <= timezone.now() + timedelta(minutes=120)


def test_two_pollers_never_take_the_same_outlet(news_site: NewsSite) -> None:
    outlet = watch(news_site)
    now = timezone.now()

    assert Outlet.objects.take_due(now, 10) == [outlet.pk]
    assert Outlet.objects.take_due(now, 10) == []
    assert Outlet.objects.take_due(now + timedelta(seconds=601), 10) == [outlet.pk]  # the lease ran out


def test_a_paused_outlet_is_not_polled(news_site: NewsSite) -> None:
    news_site.list(stories(1))
    outlet = watch(news_site)
    outlet.pause()

    assert poll_sync() == []
    assert news_site.feed_requests() == []
    assert Outlet.objects.take_due(timezone.now() + timedelta(days=1), 10) == []


def test_a_shared_page_is_one_source_and_spotted_once_extracted(news_site: NewsSite) -> None:
    """A story some claim already cited: one Source, its text at once."""
    news_site.list(stories(1))
    url = news_site.server.url("/news/story-1")
    cited = Source.for_url(url)
    assert cited.take()
    polling._fetch_and_extract(cited)
    outlet = watch(news_site)
    assert Outlet.objects.filter(pk=outlet.pk).lease(outlet.next_poll_at, timezone.now())

    [article] = polling.poll(outlet)

    assert article.source_id == cited.pk
    assert Source.objects.count() == 1
    assert OutletEntry.objects.awaiting_spotting().get().article_id == article.pk


def test_a_story_is_stored_once_and_a_desk_article_never(news_site: NewsSite, checker: Any) -> None:
    news_site.list(stories(2))
    watch(news_site)
    poll_sync()
    from_outlet = Article.objects.get(url=news_site.server.url("/news/story-1"))
    stored = NewsSentence.objects.count()

    assert store_spotted(from_outlet) == Spotted()  # a second job finds it done
    desk = Article.objects.add(by=checker, url=news_site.server.url("/news/story-2?from=desk"))
    source = Source.objects.get(pk=desk.source_id)
    assert source.take()
    polling._fetch_and_extract(source)

    assert Article.objects.get(pk=desk.pk).body  # extracted, and filled in
    assert store_spotted(desk) == Spotted()
    assert NewsSentence.objects.count() == stored
    assert not NewsSentence.objects.filter(article=desk).exists()


def index(server: Any, sitemaps: dict[str, str]) -> bytes:
    listed = "".join(
        f"<sitemap><loc>{server.url(path)}</loc><lastmod>{at}</lastmod></sitemap>" for path, at in sitemaps.items()
    )
    return f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{listed}</sitemapindex>'.encode()


def test_a_sitemap_index_is_read_through_its_newest_sitemaps(news_site: NewsSite, settings: Any) -> None:
    settings.OUTLET_SITEMAPS_PER_INDEX = 2
    server = news_site.server
    news_site.list(stories(3), format="sitemap")
    server.routes["/news-1.xml"] = Page(news_sitemap(server, stories(2)), content_type="application/xml")
    server.routes["/news-2.xml"] = Page(news_sitemap(server, stories(1, start=3)), content_type="application/xml")
    server.routes["/old.xml"] = Page(news_sitemap(server, stories(1, start=9)), content_type="application/xml")
    dates = {"/old.xml": "2026-01-01", "/news-1.xml": "2026-11-29", "/news-2.xml": "2026-11-30"}
    server.routes["/index.xml"] = Page(index(server, dates), content_type="application/xml")
    Outlet.objects.watch(by=None, name="Sample Times", url=server.url("/index.xml"))

    lines = poll_sync()

    assert {line["url"] for line in lines if line["kind"] == "article"} == {
        server.url(f"/news/story-{n}") for n in (1, 2, 3)
    }
    assert "/old.xml" not in server.paths()
    assert Outlet.objects.get().kind == "sitemap"


def test_an_index_listing_a_feed_is_refused(news_site: NewsSite) -> None:
    server = news_site.server
    news_site.list(stories(1))
    server.routes["/index.xml"] = Page(index(server, {"/feed": "2026-11-30"}), content_type="application/xml")
    outlet = Outlet.objects.watch(by=None, name="Odd", url=server.url("/index.xml"))

    assert poll_sync() == []

    outlet.refresh_from_db()
    assert "may list only sitemaps" in outlet.last_error
    assert not Article.objects.exists()


def test_a_poll_that_breaks_on_our_side_counts_as_a_failure(news_site: NewsSite, monkeypatch: Any) -> None:
    news_site.list(stories(1))
    outlet = watch(news_site)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a parser's surprise")

    monkeypatch.setattr(polling, "_add_entries", broken)
    poll_outlet(outlet.pk)  # the task's body, in this process

    outlet.refresh_from_db()
    assert outlet.failures == 1
    assert outlet.last_error == "Something went wrong on our side."


def test_stories_whose_spotting_was_lost_are_found_by_the_sweep(news_site: NewsSite) -> None:
    news_site.list(stories(1))
    watch(news_site)
    outlet = Outlet.objects.get()
    assert Outlet.objects.filter(pk=outlet.pk).lease(outlet.next_poll_at, timezone.now())
    [article] = polling.poll(outlet, inline=True)
    polling._fetch_and_extract(article.source)  # extracted; its spotting job lost
    later = timezone.now() + timedelta(minutes=5)

    assert list(OutletEntry.objects.awaiting_spotting(before=later).values_list("article", flat=True)) == [article.pk]
    store_spotted(Article.objects.get(pk=article.pk))
    assert not OutletEntry.objects.awaiting_spotting(before=later).exists()
