"""Review: an outlet's feed listing 100,000 entries is refused, with the
reason on the outlet, before feedparser spends the worker's time on it; the
same feed added under another spelling of its address is refused as
already watched."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Article, Outlet, OutletEntry
from claims.models.outlets import OutletRefused
from claims.monitoring import polling
from tests.monitoring.conftest import NewsSite
from tests.pages import Page

pytestmark = pytest.mark.django_db


def test_a_feed_of_100000_entries_is_refused_with_a_reason(news_site: NewsSite, settings: Any) -> None:
    items = "".join(f"<item><title>t{n}</title><link>https://example.org/s/{n}</link></item>" for n in range(100_000))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()
    assert len(body) < settings.FETCH_MAX_BYTES  # within the size limit: only the count refuses it
    news_site.server.routes["/feed"] = Page(body, content_type="application/rss+xml")
    outlet = Outlet.objects.watch(by=None, name="Endless", url=news_site.server.url("/feed"))
    assert Outlet.objects.filter(pk=outlet.pk).lease(outlet.next_poll_at, timezone.now())

    assert polling.poll(outlet) == []

    outlet.refresh_from_db()
    assert "lists 100,000 entries" in outlet.last_error
    assert outlet.failures == 1
    assert OutletEntry.objects.count() == Article.objects.count() == 0


def test_a_feed_at_the_limit_is_still_read(news_site: NewsSite, settings: Any) -> None:
    settings.OUTLET_MAX_FEED_ITEMS = 3
    items = "".join(f"<item><title>t{n}</title><link>/news/{n}</link></item>" for n in range(3))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Small</title>{items}</channel></rss>'.encode()
    news_site.server.routes["/feed"] = Page(body, content_type="application/rss+xml")
    outlet = Outlet.objects.watch(by=None, name="Small", url=news_site.server.url("/feed"))
    assert Outlet.objects.filter(pk=outlet.pk).lease(outlet.next_poll_at, timezone.now())

    polling.poll(outlet)

    outlet.refresh_from_db()
    assert (outlet.failures, OutletEntry.objects.count()) == (0, 3)


@pytest.mark.parametrize(
    "spelling",
    ["https://NEWS.example.org/feed", "https://news.example.org:443/feed", "https://news.example.org/feed#latest"],
)
def test_the_same_feed_under_another_spelling_is_already_watched(spelling: str) -> None:
    Outlet.objects.watch(by=None, name="Sample Times", url="https://news.example.org/feed")

    with pytest.raises(OutletRefused, match="already watched"):
        Outlet.objects.watch(by=None, name="Sample Times again", url=spelling)

    assert Outlet.objects.count() == 1


def test_the_desk_form_says_so_and_adds_nothing(client_for: Any, editor: Any) -> None:
    client = client_for(editor)
    data = {"name": "Sample Times", "url": "https://news.example.org/feed", "every": "30"}
    assert client.post(reverse("desk:outlets"), data).status_code == 302

    again = client.post(reverse("desk:outlets"), {**data, "url": "https://News.Example.org/feed#top"})

    assert again.status_code == 422
    assert "already watched" in again.content.decode()
    assert Outlet.objects.count() == 1


CATEGORIES = "".join(f"<category>c{n}</category>" for n in range(5_000))
CROWDED = {
    # feedparser's time grows with the square of these: 100,000 took minutes.
    "entry": f"<item><title>t</title><link>https://example.org/1</link>{CATEGORIES}</item>",
    "channel": f"{CATEGORIES}<item><title>t</title><link>https://example.org/1</link></item>",
}


@pytest.mark.parametrize("where", list(CROWDED))
def test_an_entry_or_channel_of_thousands_of_categories_is_refused(news_site: NewsSite, where: str) -> None:
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>C</title>{CROWDED[where]}</channel></rss>'
    news_site.server.routes["/feed"] = Page(body.encode(), content_type="application/rss+xml")
    outlet = Outlet.objects.watch(by=None, name="Crowded", url=news_site.server.url("/feed"))
    assert Outlet.objects.filter(pk=outlet.pk).lease(outlet.next_poll_at, timezone.now())

    polling.poll(outlet)

    outlet.refresh_from_db()
    assert "An element of the feed holds 5,00" in outlet.last_error
    assert OutletEntry.objects.count() == 0
